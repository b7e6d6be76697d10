# Mnemo server image: `docker build -t mnemo .`, then see compose.yaml or the README's "Container image".
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles its native addon from source.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/web/dist ./web/dist
RUN ln -s /app/bin/mnemo.js /usr/local/bin/mnemo && mkdir -p /data && chown node:node /data
USER node
# Every flag also reads MNEMO_<FLAG>; these defaults suit one container with a volume at /data.
# A larger young generation keeps large metric batches from being promoted and collected twice.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=64 \
    MNEMO_HOST=0.0.0.0 \
    MNEMO_PORT=5000 \
    MNEMO_AUTH=true \
    MNEMO_BACKEND_STORE_URI=/data/mnemo.db \
    MNEMO_ARTIFACTS_DESTINATION=/data/artifacts \
    MNEMO_SIGNING_KEY_FILE=/data/signing-key.pem
VOLUME /data
EXPOSE 5000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:5000/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
ENTRYPOINT ["mnemo"]
CMD ["server"]
