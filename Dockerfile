# Hài Lòng: production image, as a non-root user. `hailong run` migrates the database, then runs
# (the one place migrations run at start; `hailong db upgrade` does it alone, see README "Upgrade").
# The base image is pinned to a patch release: change the tag on purpose, then rebuild.
FROM python:3.11.15-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HAILONG_HTTP_HOST=0.0.0.0 HAILONG_HTTP_PORT=8080

# tini is PID 1: it hands `docker stop`'s SIGTERM to `hailong run` — which hears it from its
# first lines (bot/stopping.py) — and, for a signal that comes before Python has set its handler
# (the first ~0.3 s), ends it and reports exit 0 (-e 143) instead of the signal being ignored by
# a PID 1 and `docker stop` killing after 10 s
RUN apt-get update && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 hailong
WORKDIR /app
# The dependencies (and the build backend) first, read from pyproject.toml alone: this layer is
# rebuilt only when pyproject.toml changes, not on a change of the code
COPY pyproject.toml ./
RUN python -c "import tomllib; t = tomllib.load(open('pyproject.toml', 'rb')); \
print(*t['build-system']['requires'], *t['project']['dependencies'], sep='\n')" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt && rm /tmp/requirements.txt
COPY README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY surveys ./surveys
COPY migrations ./migrations
# var/ (reports, photos) is a volume in compose.yaml: a new volume takes this folder's owner
RUN pip install --no-deps --no-build-isolation . && mkdir -p /app/var && chown hailong /app/var

USER hailong
EXPOSE 8080
# /healthz answers 503 while the database does not answer SELECT 1 within 2 s
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ['HAILONG_HTTP_PORT']}/healthz\", timeout=4)"]
ENTRYPOINT ["tini", "-e", "143", "--"]
CMD ["hailong", "run"]
