#!/usr/bin/env bash
# Runs the README's commands on a fresh Debian machine: a container of the node:24-bookworm-slim
# stand-in (Debian minbase, Node and npm, nothing else) on a clean clone, as root.
#   test  npm install && npm test        (npm test installs the Debian packages it needs itself)
#   demo  npm install && npm run demo    (started, checked through its API, stopped)
# Prints the run time and the last lines of the test report; the full log lands in the given file.
#
# Usage: scripts/podman/fresh-machine.sh <git repository> <test|demo> [log file]
set -euo pipefail

repo="${1:?usage: fresh-machine.sh <git repository> <test|demo> [log file]}"
mode="${2:?usage: fresh-machine.sh <git repository> <test|demo> [log file]}"
here="$(cd "$(dirname "$0")" && pwd)"
log="${3:-$(mktemp --suffix=.log)}"
base="$(bash "$here/base-image.sh")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone --quiet "$repo" "$work/src"
echo "fresh machine: $mode on $(git -C "$work/src" log -1 --format='%h %s' | cut -c1-80)"

case "$mode" in
  test) script='npm install && npm test' ;;
  demo)
    # shellcheck disable=SC2016 # expanded by the shell in the container
    # The demo prints its panel URL once it is ready; then log in with the printed password and
    # list the library it populated.
    script='npm install || exit 1
      npm run demo -- --port 0 --fixture-port 0 --dir /tmp/demo > /tmp/demo.out 2>&1 &
      demo=$!
      # predemo installs ffmpeg first: minutes on a slow mirror. Wait for the banner or the exit.
      until grep -q "panel / API" /tmp/demo.out; do
        kill -0 "$demo" 2>/dev/null || { cat /tmp/demo.out; echo "demo: exited before it was ready"; exit 1; }
        sleep 0.5
      done
      cat /tmp/demo.out
      url="$(sed -n "s/^  panel \/ API *//p" /tmp/demo.out)"
      password="$(sed -n "s/^  password *//p" /tmp/demo.out)"
      URL="$url" PASSWORD="$password" node -e "
        const { URL, PASSWORD } = process.env;
        const call = async (path, init) => { const r = await fetch(URL + path, init); return [r.status, await r.json()]; };
        const [, login] = await call(\"/api/auth/login\", { method: \"POST\", headers: { \"content-type\": \"application/json\" }, body: JSON.stringify({ password: PASSWORD }) });
        const [status, library] = await call(\"/api/anime\", { headers: { authorization: \"Bearer \" + login.access_token } });
        const [, health] = await call(\"/health\");
        console.log(\"demo: health\", health.status, \"/api/anime\", status, JSON.stringify(library).length, \"bytes\");
        process.exit(status === 200 && health.status === \"ok\" ? 0 : 1);
      "' ;;
  *) echo "mode must be test or demo" >&2; exit 64 ;;
esac

started="$(date +%s)"
set +e
podman --runtime "$here/runc-without-rlimits" run --rm --network=host --pids-limit=-1 --shm-size=1g \
  -v "$work/src:/src" -w /src "$base" bash -c "$script" >"$log" 2>&1
status=$?
set -e
echo "fresh machine: $mode exited $status after $(( $(date +%s) - started )) s (log: $log)"
tail -12 "$log"
exit "$status"
