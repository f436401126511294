# The Yutang app (API + worker + web UI on one port). It expects DATABASE_URL and TEMPORAL_ADDRESS;
# docker-compose.yml provides both.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci can fail its lockfile check when the lock was made on a registry mirror that serves only one
# platform's optional binaries; npm install then resolves the same versions.
RUN npm ci --no-audit --no-fund || npm install --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
# HOST: all of the container's interfaces (the app defaults to loopback outside a container)
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    YUTANG_DATA_DIR=/app/data
COPY --from=build /app /app
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# No build step at start (the image is built); tsx runs the TypeScript entry directly.
CMD ["node_modules/.bin/tsx", "engine/main.ts", "all"]
