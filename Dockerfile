# Mixtape: one image for the API (`mixtape serve`), the worker (`mixtape worker`) and migrations
# (`mixtape migrate`). Build: docker build -t mixtape .

# GraphiQL's pinned npm builds, so that /graphql's explorer needs no CDN (see docs/graphiql.md).
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY scripts/fetch_assets.sh scripts/
RUN scripts/fetch_assets.sh --graphiql-only

FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MIXTAPE_ENV=production
WORKDIR /app

COPY pyproject.toml README.md ./
COPY graphql_api/ graphql_api/
COPY workers/ workers/
COPY spotify_emulator/ spotify_emulator/
COPY --from=assets /src/graphql_api/static/graphiql/vendor/ graphql_api/static/graphiql/vendor/
RUN pip install . && rm -rf build graphql_api workers spotify_emulator
# Migrations are found in the working directory (graphql_api/db/migrations.py).
COPY alembic/ alembic/
COPY alembic.ini ./

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin mixtape \
    && mkdir -p /app/var/history-uploads && chown -R mixtape /app/var
USER mixtape

EXPOSE 8000
# /readyz answers 503 until the database is reachable and migrated (urlopen raises on it).
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]
CMD ["mixtape", "serve", "--host", "0.0.0.0", "--port", "8000"]
