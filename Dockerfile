# rotor's image, used by docker-compose.yml for both the simulator (`rotor sim`) and `rotor run`.
# Dependencies are installed here, once, when the image is built: no container installs anything
# when it starts, and the host's node_modules is never touched.

# Stage 1: production dependencies only, from the lockfile. tsx is one of them: it runs the
# TypeScript sources directly. --ignore-scripts skips the package's own `prepare` (a build of dist/
# that needs the dev dependencies and that this image does not use).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# Stage 2: the sources on top of those dependencies, nothing else (see .dockerignore).
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY src ./src
COPY jobs ./jobs
COPY bin ./bin
COPY config ./config
COPY docker ./docker
# The files stay root's and read-only to the process, which runs as the image's unprivileged `node` user.
USER node
EXPOSE 9464
ENTRYPOINT ["node", "--import", "tsx", "bin/rotor.ts"]
CMD ["run"]
