# The API and the console in one image. Three stages: the Python service (its versions from
# uv.lock, hash-checked), the console built against that service's own OpenAPI document,
# and the image that runs, holding both.
FROM python:3.11-slim-bookworm AS service
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN pip install --no-cache-dir uv \
 && uv export --frozen --no-dev --no-emit-project -q -o /tmp/requirements.txt \
 && pip install --no-cache-dir -r /tmp/requirements.txt
COPY graph_service ./graph_service
COPY loaders ./loaders
COPY cypher ./cypher
ENV CYPHER_DIR=/app/cypher
# the console's client is typed from this document (no database needed to make it)
RUN pip install --no-cache-dir --no-deps . \
 && python -m graph_service.openapi_dump > /tmp/openapi.json

FROM node:20-bookworm-slim AS console
WORKDIR /console
COPY console/package.json console/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY console ./
COPY --from=service /tmp/openapi.json src/api/openapi.json
# what `npm run build` does, with the OpenAPI document from the stage above
RUN npx openapi-typescript src/api/openapi.json -o src/api/schema.d.ts \
 && node scripts/field-titles.mjs && npx vue-tsc --noEmit && npx vite build

FROM service
COPY --from=console /console/dist /app/console/dist
RUN useradd --create-home app
USER app
ENV CYPHER_DIR=/app/cypher CONSOLE_DIR=/app/console/dist TIME_ZONE=Asia/Shanghai TZ=Asia/Shanghai
EXPOSE 8000
# /health answers while the process lives (no curl in the slim image: Python's own client)
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/health', timeout=2)"]
CMD ["graph-service", "serve", "--host", "0.0.0.0", "--port", "8000"]
