# syntax=docker/dockerfile:1
# WEB-FB service image: build stage compiles the native modules (bcrypt,
# better-sqlite3) and the TypeScript; the runtime stage holds only what runs.

# ---- build -------------------------------------------------------------------
FROM node:20-bookworm-slim AS build
# Toolchain for node-gyp when no prebuilt binary matches the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# ---- runtime -----------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    STAFF_PORT=3001 \
    DATABASE_FILE=/data/webfb.db
# STAFF_HOST stays at its default 127.0.0.1, so the branch console (営業店端末)
# is unreachable from outside the container unless the operator opts in: set
# STAFF_HOST=0.0.0.0 AND publish 3001 only on the bank's internal network,
# e.g. `-p 10.1.2.3:3001:3001`, never on the interface customers reach.
# Production also requires SECRET_KEY and SESSION_SECRET (the service refuses
# to start without them); DEMO is off unless DEMO=1 is passed. HOST is left to
# its default: every interface, except in demo mode, where the customer site
# stays on loopback unless HOST=0.0.0.0 is passed too (src/config.ts).
WORKDIR /app
# Application files belong to root and are read-only for the service user;
# only /data (the SQLite database and its WAL) is writable. What runs:
# dist/ (the server, the CLI, the checkpoint worker dist/db/checkpointWorker.js),
# node_modules/ with production dependencies only (the native bcrypt and
# better-sqlite3, zengin-code's bank and branch names, pino-pretty unused in
# production), migrations/ (applied at every start), views/ and public/.
COPY package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY views ./views
COPY public ./public
# `webfb`: the built CLI on the PATH, so that `docker exec <container> webfb
# staff add …` works (there is no TypeScript here, so `npm run cli` cannot).
# A symlink: Node resolves it to /app/dist/cli/index.js and finds node_modules
# from there; docker exec gets the container's environment (DATABASE_FILE,
# SECRET_KEY), so the CLI opens the same database with the same key.
RUN chmod 755 dist/cli/index.js \
 && ln -s /app/dist/cli/index.js /usr/local/bin/webfb \
 && mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000 3001
# The slim image has no curl: Node's fetch asks both listeners from inside the
# container (127.0.0.1 works for the default HOST and STAFF_HOST).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const p=[process.env.PORT||3000,process.env.STAFF_PORT||3001];Promise.all(p.map(n=>fetch('http://127.0.0.1:'+n+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>{if(!r.ok)throw new Error(String(r.status))}))).then(()=>process.exit(0),()=>process.exit(1))"]
# Run node directly (not through npm) so that SIGTERM from `docker stop` reaches
# the graceful shutdown in src/server.ts, which handles the signal itself.
# --max-semi-space-size: see README "Performance" (memory); npm start uses the same flag.
CMD ["node", "--max-semi-space-size=8", "dist/server.js"]
