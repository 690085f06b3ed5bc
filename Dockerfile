# Plex Smart Refresher as a container: `docker compose up -d` (compose.yaml), or build it with
#   docker build -t plex-smart-refresher .
# The app needs network access to Plex and one data folder (/data); it has no media mount.

# The Node 20 base image. A builder without Docker Hub names another one that has Node 20 and
# npm at /usr/local (as the official image does): --build-arg BASE_IMAGE=...
ARG BASE_IMAGE=node:20-bookworm-slim

# --- build: better-sqlite3 (compiled when no prebuilt binary fits), the server, the web UI ----
FROM ${BASE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# A builder behind a TLS-inspecting proxy, or without nodejs.org for the headers, passes its
# npm settings as a build secret (--secret id=npmrc,src=FILE, and id=npm_ca for a CA bundle the
# file names as /run/secrets/npm_ca). Secrets are mounted for this step only, never stored.
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc \
    --mount=type=secret,id=npm_ca \
    npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm prune --omit=dev \
 && rm -rf node_modules/better-sqlite3/deps node_modules/better-sqlite3/src \
           node_modules/better-sqlite3/build/Release/obj* node_modules/better-sqlite3/build/Release/.deps

# --- runtime: production dependencies, the built server and UI; no compiler, no sources ------
FROM ${BASE_IMAGE}
ENV NODE_ENV=production \
    PSR_DATA_DIR=/data \
    PSR_HOST=0.0.0.0 \
    PSR_PORT=8501
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/node_modules ./node_modules
# `psr` on the PATH for `docker exec … psr passwd`; /data writable by the default user. Another
# user (--user, compose's PUID/PGID) needs a data folder it owns: see the README.
RUN ln -s /app/bin/psr.js /usr/local/bin/psr \
 && mkdir -p /data && chown 1000:1000 /data && chmod 750 /data
# Not root. 1000:1000 is the first user on most hosts, so a bind-mounted folder is theirs; the
# process needs no name for its ID, so any --user works.
USER 1000:1000
VOLUME /data
EXPOSE 8501
# Node itself asks (the slim image has no curl), on the port PSR_PORT names.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PSR_PORT || 8501}/api/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node is PID 1 and handles SIGTERM itself: it ends a running scan cleanly and exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "--max-old-space-size=160", "/app/dist/src/cli.js"]
CMD ["serve"]
