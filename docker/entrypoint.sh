#!/bin/sh
# Container entrypoint (runs under tini). As root: apply PUID/PGID/UMASK, make /config ours,
# check both volumes are writable, then exec the command as PUID:PGID. Started with --user:
# the same checks, no switch. Exits 1 with the exact fix when a volume is not writable.
set -eu

PUID="${PUID:-99}"
PGID="${PGID:-100}"
UMASK="${UMASK:-022}"
DATA_DIR="${ANIWORLD_DATA_DIR:-/config}"
MEDIA_DIR="${ANIWORLD_MEDIA_DIR:-/media}"

fail() {
  printf 'AniWorld cannot start: %s\n' "$1" >&2
  exit 1
}

case "$PUID" in ''|*[!0-9]*) fail "PUID must be a number (got \"$PUID\")." ;; esac
case "$PGID" in ''|*[!0-9]*) fail "PGID must be a number (got \"$PGID\")." ;; esac
case "$UMASK" in [0-7][0-7][0-7]|[0-7][0-7][0-7][0-7]) ;; *) fail "UMASK must be octal like 022 or 002 (got \"$UMASK\")." ;; esac
umask "$UMASK"

# Runs "$@" as the user the app will run as.
as_app_user() {
  if [ "$(id -u)" = 0 ] && [ "$PUID" != 0 ]; then
    setpriv --reuid="$PUID" --regid="$PGID" --clear-groups -- "$@"
  else
    "$@"
  fi
}

check_writable() {
  dir="$1"
  what="$2"
  probe="$dir/.aniworld-write-test-$$"
  # shellcheck disable=SC2016 # $1 and $2 are the inner shell's arguments
  if as_app_user sh -c '{ mkdir -p "$1" && : > "$2" && rm -f "$2"; } 2>/dev/null' sh "$dir" "$probe"; then
    return 0
  fi
  if [ "$(id -u)" = 0 ]; then run_as="PUID=$PUID PGID=$PGID"; uid="$PUID"; gid="$PGID"; else uid="$(id -u)"; gid="$(id -g)"; run_as="--user $uid:$gid"; fi
  cat >&2 <<MSG
AniWorld cannot start: the $what folder $dir is not writable for uid $uid / gid $gid ($run_as).
Fix it in one of these ways:
  - on the host, give the folder you mounted at $dir to that user:
      sudo chown -R $uid:$gid <host folder mounted at $dir>
  - or set PUID and PGID to the owner of that folder (ls -ln shows the numbers);
  - on Unraid: keep PUID=99 and PGID=100 (nobody:users) in the template and run
      Tools > Docker Safe New Perms (or New Permissions) on the share;
  - on an NFS/SMB mount: allow that uid to write on the server side (root_squash and
      all_squash map users), or mount it with uid=$uid,gid=$gid.
MSG
  exit 1
}

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$DATA_DIR" "$MEDIA_DIR" 2>/dev/null || true
  if [ "$PUID" != 0 ]; then
    # /config is ours: fix only what differs (cheap on restarts, never touches /media).
    find "$DATA_DIR" -xdev \( ! -user "$PUID" -o ! -group "$PGID" \) -exec chown "$PUID:$PGID" {} + 2>/dev/null || true
  fi
fi

check_writable "$DATA_DIR" "data (/config)"
check_writable "$MEDIA_DIR" "media (/media)"

if [ "$(id -u)" = 0 ] && [ "$PUID" != 0 ]; then
  exec setpriv --reuid="$PUID" --regid="$PGID" --clear-groups --no-new-privs -- "$@"
fi
exec "$@"
