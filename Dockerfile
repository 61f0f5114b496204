# DB Patrol backend: `serve`, `worker` and the CLI in one image. Multi-stage: build with dev dependencies, run with
# production ones only, as the unprivileged `node` user.
FROM node:20.19-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json ./
COPY backend/package.json backend/
RUN npm ci --workspace backend --include-workspace-root=false --ignore-scripts --no-audit --no-fund
COPY backend/tsconfig.json backend/tsconfig.build.json backend/
COPY backend/src backend/src
RUN npm run build --workspace backend

FROM node:20.19-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY backend/package.json backend/
RUN npm ci --workspace backend --include-workspace-root=false --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20.19-bookworm-slim
ENV NODE_ENV=production DBPATROL_HOST=0.0.0.0 DBPATROL_PORT=8470 DBPATROL_DATA_DIR=/var/lib/dbpatrol
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/backend/dist backend/dist
COPY backend/package.json backend/
COPY backend/bin backend/bin
COPY scripts/stack-setup.mjs scripts/
RUN mkdir -p /var/lib/dbpatrol /run/dbpatrol && chown node:node /var/lib/dbpatrol /run/dbpatrol
USER node
EXPOSE 8470
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.DBPATROL_PORT||8470)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "--max-semi-space-size=1", "backend/bin/dbpatrol.js"]
CMD ["serve", "--no-worker"]
