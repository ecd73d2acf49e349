# One image for the api, the worker and the SSA simulator; docker-compose.yml
# picks the entry point. TypeScript runs through tsx, so the devDependencies
# (tsx among them) are installed too.
FROM node:20-bookworm-slim

WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force

COPY . .

USER node
EXPOSE 3000
CMD ["node_modules/.bin/tsx", "api/main.ts"]
