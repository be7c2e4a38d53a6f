#!/usr/bin/env bash
# Installs the Debian packages the tests and the download pipeline use: Chromium (browser tests,
# driven by playwright-core; no browser download), ffmpeg (HLS remux, test media), curl with
# util-linux's setpriv (MP4 transfers; the tests run each MP4 case with and without); tini so the
# container test runs the image's exact ENTRYPOINT (optional: without it the test skips tini);
# PostgreSQL and Redis for the scale-out tests (tests/scale start their own servers in temp dirs);
# ShellCheck lints the container entrypoint and the Docker smoke script. Xvfb gives the anti-bot
# solver a virtual display for a headed browser when a check refuses headless Chromium.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -x /usr/bin/Xvfb ] || need+=(xvfb)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
[ -x /usr/bin/tini ] || need+=(tini)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
[ -x /usr/bin/redis-server ] || need+=(redis-server)
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: chromium, xvfb, ffmpeg, curl, tini, postgresql, redis-server and shellcheck are present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "system packages missing: ${need[*]}. Install them with: sudo apt-get install ${need[*]}" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core >/dev/null
echo "system packages installed: ${need[*]}"
