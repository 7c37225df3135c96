FROM python:3.11-slim
WORKDIR /app
# the versions of uv.lock (hash-checked), then the project itself without resolving again
COPY pyproject.toml uv.lock README.md ./
RUN pip install --no-cache-dir uv \
 && uv export --frozen --no-dev --no-emit-project -q -o /tmp/requirements.txt \
 && pip install --no-cache-dir -r /tmp/requirements.txt
COPY graph_service ./graph_service
COPY loaders ./loaders
COPY cypher ./cypher
RUN pip install --no-cache-dir --no-deps . && useradd --create-home app
USER app
ENV CYPHER_DIR=/app/cypher TIME_ZONE=Asia/Shanghai TZ=Asia/Shanghai
EXPOSE 8000
# /health answers while the process lives (no curl in the slim image: Python's own client)
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/health', timeout=2)"]
CMD ["graph-service", "serve", "--host", "0.0.0.0", "--port", "8000"]
