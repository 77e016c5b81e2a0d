# syntax=docker/dockerfile:1
# One image for all five services; the command picks the service:
#   docker run fpms node dist/apps/<gateway|workspace|files|messaging|billing>/src/main.js
# Provisioning and migrations from the same image:
#   docker run fpms node dist/tools/infra/provision-cli.js up            (everything, local/compose)
#   docker run fpms node dist/tools/infra/provision-cli.js migrate --service billing   (a Kubernetes Job)
# The Stripe emulator (compose only): node dist/tools/stripe-emulator/src/cli.js
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# Compiles TypeScript with every dependency, dev ones included.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY tools ./tools
# The OpenAPI document the gateway serves (generated from the code, committed).
COPY docs/openapi.json ./docs/openapi.json
RUN npm run build

# Production dependencies only, installed from the lockfile on their own.
FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# tini as PID 1 forwards SIGTERM to node (whose shutdown hooks drain consumers and
# connections) and reaps zombies.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the service user: the code cannot be changed at run time.
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The only writable path the image needs: local JWT keys made by `provision-cli up`
# (compose mounts a volume here; Kubernetes mounts the keys Secret read-only).
RUN mkdir -p /var/lib/fpms/keys && chown -R 10001:10001 /var/lib/fpms
ENV JWT_KEYS_DIR=/var/lib/fpms/keys
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "dist/tools/infra/healthcheck.js"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/apps/gateway/src/main.js"]
