# syntax=docker/dockerfile:1
# AniWorld image: Node 24 on Debian bookworm-slim, production dependencies only, tini as PID 1.
# Starts as root only long enough to apply PUID/PGID/UMASK (docker/entrypoint.sh), then runs as
# that user. `docker run --user 1000:1000 ...` works too: the entrypoint then skips the switch.

ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: the panel (Vite) needs the dev dependencies; nothing from here but panel/dist ships ---
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts off: the `node` devDependency would fetch a second Node binary the image already has;
# its placeholder in .bin must not shadow the image's node for the build scripts.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && rm -f node_modules/.bin/node
COPY . .
RUN npm run build:panel

# --- deps: production dependencies only (native modules ship N-API prebuilds, no compiler) ---
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
# Other platforms' prebuilt binaries, SQLite's sources and type declarations never run here.
COPY docker/prune-node-modules.mjs /tmp/
RUN node /tmp/prune-node-modules.mjs node_modules

# --- runtime ---
FROM ${NODE_IMAGE} AS runtime
# ffmpeg remuxes HLS streams; curl moves MP4 downloads (setpriv ties it to our process);
# tini reaps and forwards signals; setpriv (util-linux) drops privileges.
# Debian's ffmpeg links libGL (through libavdevice), which pulls in Mesa's GPU drivers with LLVM
# (about 160 MB), and Intel's Media SDK runtime (26 MB). Both are only dlopen()ed for GPU or
# Quick Sync work; a stream copy never does that, so their files go. ldd then proves that ffmpeg
# and ffprobe still resolve every library they link, and ffmpeg muxes a test stream.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg curl tini util-linux ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && rm -rf /usr/lib/x86_64-linux-gnu/dri /usr/lib/aarch64-linux-gnu/dri \
           /usr/lib/*-linux-gnu/libLLVM-*.so* /usr/lib/*-linux-gnu/libz3.so* \
           /usr/lib/x86_64-linux-gnu/mfx /usr/lib/x86_64-linux-gnu/libmfxhw64.so* \
 && if ldd /usr/bin/ffmpeg /usr/bin/ffprobe | grep 'not found'; then exit 1; fi \
 && ffmpeg -hide_banner -loglevel error -y -f lavfi -i sine=duration=1 -c:a aac -f mpegts /dev/null

# The anti-bot solver's browser (playwright-core drives it, started only when a check needs it):
# Debian's Chromium and Xvfb, so a check that refuses headless browsers is retried headed on a
# virtual display. dbus-x11 stands in for dbus-user-session, which would pull in systemd; the
# Adwaita icons and Vulkan's validation layer (a debugging aid) are never used. Fonts: DejaVu,
# already here for ffmpeg. BROWSER=headless-shell builds a smaller image with Chromium's headless
# shell only (no headed fallback); BROWSER=none one without a browser (checks then need
# ANIWORLD_FLARESOLVERR_URL).
ARG BROWSER=chromium
# hadolint ignore=SC2086
RUN case "$BROWSER" in \
      chromium) packages="chromium xvfb xauth dbus-x11" ;; \
      headless-shell) packages="chromium-headless-shell" ;; \
      none) exit 0 ;; \
      *) echo "BROWSER must be chromium, headless-shell or none (got $BROWSER)" >&2; exit 1 ;; \
    esac \
 && apt-get update \
 && apt-get install -y --no-install-recommends $packages \
 && rm -rf /var/lib/apt/lists/* /usr/share/icons/Adwaita /usr/lib/chromium/libVkLayer_khronos_validation.so

# Memory: NODE_OPTIONS caps V8's young generation at 2 x 4 MB (start-up's burst of long-lived
# objects grows it to 32 MB that stays committed: 20 MB of an idle server); MALLOC_MMAP_THRESHOLD_
# fixes glibc's threshold for mmap-ed blocks, so the large buffers of big answers go back to the
# system when freed (its dynamic threshold kept them in the heap: RSS rose 1.5x under load).
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=4 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    ANIWORLD_DATA_DIR=/config \
    ANIWORLD_MEDIA_DIR=/media \
    PORT=8000 \
    PUID=99 \
    PGID=100 \
    UMASK=022 \
    NODE_COMPILE_CACHE=/tmp/aniworld-compile-cache

WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY config ./config
COPY backend ./backend
COPY jobs ./jobs
COPY contract ./contract
COPY scripts/aniworld.mjs ./scripts/aniworld.mjs
COPY --from=build /app/panel/dist ./panel/dist
COPY docker/entrypoint.sh /usr/local/bin/aniworld-entrypoint
RUN chmod 0755 /usr/local/bin/aniworld-entrypoint /app/scripts/aniworld.mjs \
 && ln -s /app/scripts/aniworld.mjs /usr/local/bin/aniworld \
 && mkdir -p /config /media

# Last, so a new version or revision reuses every layer above.
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="AniWorld" \
      org.opencontainers.image.description="Self-hosted anime library manager: scans your anime folder, knows what is missing, downloads it and names it for Jellyfin, Plex and Kodi." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="https://github.com/aniworld/aniworld"

VOLUME ["/config", "/media"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+(process.env.ANIWORLD_BASE_PATH||'')+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/aniworld-entrypoint"]
CMD ["node", "backend/main.ts"]
