#!/usr/bin/env bash
# Builds the image and checks it the way users run it: health, privilege drop, file modes, the
# CLI, a clean stop within 8 s, the image size, and hadolint when it can be pulled.
# Needs a Docker engine (CI runners with Docker); `npm test` covers the same layout without one
# (tests/container). Usage: scripts/docker-smoke.sh [image-tag]
set -euo pipefail
cd "$(dirname "$0")/.."

image="${1:-aniworld:smoke}"
name="aniworld-smoke-$$"
version="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' package.json)"
work="$(mktemp -d)"
cleanup() {
  docker rm -f "$name" >/dev/null 2>&1 || true
  rm -rf "$work" 2>/dev/null || docker run --rm -v "$work:/w" busybox:1.36 rm -rf /w/config /w/media >/dev/null 2>&1 || true
}
trap cleanup EXIT
fail() { echo "smoke: FAIL: $*" >&2; docker logs "$name" 2>&1 | tail -40 >&2 || true; exit 1; }

if docker run --rm -i hadolint/hadolint:v2.12.0 < Dockerfile; then echo "smoke: hadolint clean"; else echo "smoke: hadolint reported problems (or could not run)" >&2; fi

docker build --build-arg VERSION="$version" --build-arg REVISION="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" -t "$image" .
echo "smoke: image size $(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1000/1000}')"

# Unraid's defaults: the folders belong to 99:100 like a share on the array.
mkdir -p "$work/config" "$work/media"
if [ "$(id -u)" -eq 0 ]; then chown 99:100 "$work/media"; uid=99; gid=100; else uid="$(id -u)"; gid="$(id -g)"; fi

docker run -d --name "$name" -p 127.0.0.1::8000 -e PUID="$uid" -e PGID="$gid" -e UMASK=027 \
  -v "$work/config:/config" -v "$work/media:/media" "$image" >/dev/null

for _ in $(seq 1 90); do
  state="$(docker inspect --format '{{.State.Health.Status}}' "$name")"
  [ "$state" = healthy ] && break
  [ "$(docker inspect --format '{{.State.Running}}' "$name")" = true ] || fail "container exited"
  sleep 1
done
[ "$state" = healthy ] || fail "not healthy after 90 s (state: $state)"
echo "smoke: healthy"

app_uid="$(docker top "$name" -eo uid,args | awk '/backend\/main.ts/ && !/tini/ {print $1; exit}')"
[ "$app_uid" = "$uid" ] || fail "the app runs as uid ${app_uid:-?}, not $uid"
[ "$(stat -c '%u %a' "$work/config/secret.key")" = "$uid 600" ] || fail "secret.key is not $uid 0600: $(stat -c '%u %a' "$work/config/secret.key")"
[ "$(stat -c '%a' "$work/config/aniworld.db")" = 640 ] || fail "aniworld.db does not follow UMASK 027"
docker exec "$name" aniworld status >/dev/null || fail "aniworld status failed"
docker exec "$name" aniworld backup create >/dev/null || fail "aniworld backup create failed"
[ -z "$(find "$work/config" ! -user "$uid")" ] || fail "files not owned by $uid: $(find "$work/config" ! -user "$uid")"

started="$(date +%s%N)"
docker stop -t 15 "$name" >/dev/null
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
code="$(docker inspect --format '{{.State.ExitCode}}' "$name")"
[ "$code" = 0 ] || fail "exit code $code after docker stop"
[ "$elapsed_ms" -lt 8000 ] || fail "docker stop took ${elapsed_ms} ms"
echo "smoke: stopped cleanly in ${elapsed_ms} ms"

docker run --rm -v "$work/config:/config" -v "$work/media:/media" -e PUID=4321 -e PGID=4321 "$image" true 2>"$work/refusal" && fail "started on a media folder uid 4321 cannot write"
grep -q 'chown -R 4321:4321' "$work/refusal" || fail "the permission refusal does not say how to fix it: $(cat "$work/refusal")"
echo "smoke: permission refusal names the fix"
echo "smoke: OK ($image)"
