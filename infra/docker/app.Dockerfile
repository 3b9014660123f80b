# One image recipe for the five apps; docker-compose.yml picks the app with the build argument APP:
#   docker compose --profile apps up -d --build
# Stage 1 builds the app and its workspace packages; `pnpm deploy` then copies the app with only its
# production dependencies into /out, so the runtime image carries no compiler, sources or dev tools.
FROM node:20-bookworm-slim AS build
ARG APP
WORKDIR /repo
RUN npm install --global pnpm@10.34.8
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm turbo run build --filter "@acme/${APP}..." \
 && pnpm --filter "@acme/${APP}" deploy --prod --legacy /out

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /out ./
USER node
# HTTP API and the Prometheus metrics endpoint scraped by infra/prometheus/prometheus.compose.yml.
EXPOSE 3000
CMD ["node", "dist/main.js"]
