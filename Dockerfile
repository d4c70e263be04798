# One image for every role: `docker run IMAGE` runs all roles of the profile (PROFILE=local: the
# local tenant demo); `docker run IMAGE bff` or `... profile-service` runs one role (PROFILE=entra).
# The image runs built JavaScript: no TypeScript file is in it, and Node's type stripping never loads.

# npm workspaces: npm ci needs every workspace's package.json (one COPY each: a glob would flatten them).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/fastify-entra-bff/package.json ./packages/fastify-entra-bff/
COPY packages/entra-local-tenant/package.json ./packages/entra-local-tenant/
# Scripts skipped: the dev dependency `node` would fetch a second Node binary the build never runs.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY packages ./packages
COPY src ./src
# `npm run build`: each package to its dist/, then the app to dist/ (a mirror of the repository's
# layout, so code that finds views/ and public/ relative to itself finds them in the image too).
# The app imports the packages by name: in the image they resolve to their dist/ (no condition).
RUN npm run build

FROM node:24-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/fastify-entra-bff/package.json ./packages/fastify-entra-bff/
COPY packages/entra-local-tenant/package.json ./packages/entra-local-tenant/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-bookworm-slim AS runtime
WORKDIR /app
# NODE_COMPILE_CACHE: V8's code cache for every module a start loads, made below at build time in
# a directory the node user cannot write (and the root filesystem is read-only in compose and
# Kubernetes): every container, the first start too, loads from it.
ENV BFF_HOST=0.0.0.0 \
    PROFILE_SERVICE_HOST=0.0.0.0 \
    LOCAL_TENANT_BIND=0.0.0.0 \
    LOCAL_TENANT_DATA_DIR=/home/node/local-tenant \
    HEALTHCHECK_PORT=3000 \
    NODE_COMPILE_CACHE=/app/.node-compile-cache
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json ./
COPY packages/fastify-entra-bff/package.json ./packages/fastify-entra-bff/
COPY packages/entra-local-tenant/package.json ./packages/entra-local-tenant/
COPY --from=build /app/packages/fastify-entra-bff/dist ./packages/fastify-entra-bff/dist
COPY --from=build /app/packages/entra-local-tenant/dist ./packages/entra-local-tenant/dist
# What else the packages ship (their package.json `files`): the tenant's pages, default tenant and its schema.
COPY packages/entra-local-tenant/views ./packages/entra-local-tenant/views
COPY packages/entra-local-tenant/tenant.default.json packages/entra-local-tenant/tenant.schema.json ./packages/entra-local-tenant/
COPY --from=build /app/dist ./
COPY views ./views
COPY public ./public
# Fills the compile cache: every role of the local profile starts on free ports, then stops. As the
# node user: Node keeps each user's cache in a directory named after its uid, so a cache made by
# root is never read by uid 1000. Then root takes the directory back.
RUN install -d -o node -g node "$NODE_COMPILE_CACHE"
USER node
RUN set -e; data=$(mktemp -d); \
    LOCAL_TENANT_DATA_DIR="$data" BFF_HOST=127.0.0.1 PROFILE_SERVICE_HOST=127.0.0.1 LOCAL_TENANT_BIND=127.0.0.1 \
    BFF_PORT=0 PROFILE_SERVICE_PORT=0 LOCAL_TENANT_HTTP_PORT=0 LOCAL_TENANT_HTTPS_PORT=0 LOG_LEVEL=warn \
    node src/main.js >"$data/boot.log" 2>&1 & \
    pid=$!; \
    for _ in $(seq 600); do grep -q 'Press Ctrl-C' "$data/boot.log" && break; kill -0 "$pid" || break; sleep 0.1; done; \
    if ! grep -q 'Press Ctrl-C' "$data/boot.log"; then cat "$data/boot.log"; exit 1; fi; \
    kill -TERM "$pid"; wait "$pid"; rm -rf "$data"; \
    test -n "$(ls -A "$NODE_COMPILE_CACHE")"
USER root
# Node writes its entries readable by their owner only (0600): readable by every user, writable by root.
RUN chown -R root:root "$NODE_COMPILE_CACHE" && chmod -R u=rwX,go=rX "$NODE_COMPILE_CACHE"
USER node
EXPOSE 3000 3001 3100 3101
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 CMD ["node", "src/healthcheck.js"]
# Node runs as PID 1 and handles SIGTERM itself (close-with-grace): in-flight requests finish.
STOPSIGNAL SIGTERM
# The heap from the container's memory limit: by itself Node 24 in a 192 MiB cgroup allows a
# 259 MiB heap (measured), more than the container; half the limit leaves the rest for code,
# buffers and the page cache (bench: `--scenario mixed --bff-memory-max 192M`).
ENTRYPOINT ["node", "--max-old-space-size-percentage=50", "src/main.js"]
