# One image for every role: `docker run IMAGE` runs all roles of the profile (PROFILE=local: the
# local tenant demo); `docker run IMAGE bff` or `... profile-service` runs one role (PROFILE=entra).

FROM node:24-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-bookworm-slim AS runtime
WORKDIR /app
ENV BFF_HOST=0.0.0.0 \
    PROFILE_SERVICE_HOST=0.0.0.0 \
    LOCAL_TENANT_BIND=0.0.0.0 \
    LOCAL_TENANT_DATA_DIR=/home/node/local-tenant \
    HEALTHCHECK_PORT=3000
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY views ./views
COPY public ./public
USER node
EXPOSE 3000 3001 3100 3101
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 CMD ["node", "src/healthcheck.ts"]
# Node runs as PID 1 and handles SIGTERM itself (close-with-grace): in-flight requests finish.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "src/main.ts"]
