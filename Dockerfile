FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graph_service ./graph_service
COPY loaders ./loaders
COPY cypher ./cypher
RUN pip install --no-cache-dir . && useradd --create-home app
USER app
ENV CYPHER_DIR=/app/cypher
EXPOSE 8000
CMD ["graph-service", "serve", "--host", "0.0.0.0", "--port", "8000"]
