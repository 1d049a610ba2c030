# syntax=docker/dockerfile:1
# Multi-stage: build with dev dependencies, run with production ones only, as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts ./
# The generated Prisma client is compiled into dist/; skip the postinstall generate in the runtime stage.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The CLI (plain ESM, no build step): `docker run … npx cutover status APP ENV` (docs/cli.md).
COPY --from=build /app/apps/cli/bin ./apps/cli/bin
COPY --from=build /app/apps/cli/src ./apps/cli/src
USER node
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
