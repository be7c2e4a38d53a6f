#!/usr/bin/env bash
# The Debian packages the tests (npm test runs this first, as `pretest`) and the demo (`predemo`,
# with the argument "demo") need. As root: installs what is missing, quietly, and does nothing
# when everything is there. Not root: one line with the exact command, and a non-zero exit.
#
#   chromium, fonts-dejavu-core  browser tests through playwright-core (no browser download)
#   xvfb                         a virtual display for the anti-bot solver's headed fallback
#   ffmpeg                       HLS remux, test media (ffprobe)
#   curl, util-linux (setpriv)   MP4 transfers; the entrypoint's privilege drop
#   tini                         the image's PID 1, for the entrypoint tests
#   the shellcheck package       lints the entrypoint and the shell scripts
#   postgresql, redis-server     scale-out tests (tests/scale start their own servers in temp dirs)
#   podman, runc, netavark, uidmap, debootstrap, jq
#                                tests/container build and run the real image (scripts/podman)
#
# Usage: scripts/install-system-deps.sh [demo]
set -euo pipefail

# "command or path" -> Debian package
checks=(
  "ffmpeg ffmpeg" "ffprobe ffmpeg" "curl curl" "setpriv util-linux"
)
if [ "${1:-}" != demo ]; then
  checks+=(
    "chromium chromium" "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf fonts-dejavu-core" "/usr/bin/Xvfb xvfb"
    "/usr/bin/tini tini" "shellcheck shellcheck" "/usr/bin/redis-server redis-server"
    "podman podman" "runc runc" "/usr/lib/podman/netavark netavark" "newuidmap uidmap"
    "debootstrap debootstrap" "jq jq" "/usr/bin/time time"
  )
fi

need=()
for check in "${checks[@]}"; do
  what="${check% *}"
  pkg="${check#* }"
  if [[ "$what" == /* ]]; then [ -e "$what" ] && continue; else command -v "$what" >/dev/null 2>&1 && continue; fi
  # also in sbin, which a user's PATH may lack
  [ -x "/usr/sbin/$what" ] && continue
  [[ " ${need[*]} " == *" $pkg "* ]] || need+=("$pkg")
done
if [ "${1:-}" != demo ] && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then need+=(postgresql); fi

[ ${#need[@]} -eq 0 ] && exit 0

command="apt-get install -y --no-install-recommends ${need[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "AniWorld needs these Debian packages: ${need[*]}. Install them with: sudo apt-get update && sudo $command" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "AniWorld needs these Debian packages (or your system's equivalents): ${need[*]}; apt-get is not available here to install them." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! { apt-get update -qq && $command -qq; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "Installing ${need[*]} failed (above). Run it by hand: $command" >&2
  exit 1
fi
echo "system packages installed: ${need[*]}"
