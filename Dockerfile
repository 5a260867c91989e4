# Hài Lòng: production image. Runs the migrations, then `hailong run`, as a non-root user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    HAILONG_HTTP_HOST=0.0.0.0 HAILONG_HTTP_PORT=8080

RUN useradd --create-home --uid 10001 hailong
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY surveys ./surveys
COPY migrations ./migrations
RUN pip install . && mkdir -p /app/var && chown hailong /app/var

USER hailong
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,os;urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"HAILONG_HTTP_PORT\"]}/healthz')"
CMD ["sh", "-c", "hailong db upgrade && exec hailong run"]
