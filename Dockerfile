# Build a wheel-house in one stage, install it into a clean runtime image in the next.
FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m venv /opt/precis
COPY pyproject.toml README.md ./
COPY app ./app
# Compile the gazetteer once at build time so the first request does not pay for it.
ENV PRECIS_CACHE_DIR=/opt/precis/cache
RUN /opt/precis/bin/pip install --no-cache-dir . \
 && /opt/precis/bin/python -c "from app.engine.gazetteer import load_gazetteer; load_gazetteer()"

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 precis
COPY --from=build /opt/precis /opt/precis
COPY --chown=precis:precis seeds /srv/precis/seeds
WORKDIR /srv/precis
USER precis
ENV PATH=/opt/precis/bin:$PATH \
    PRECIS_HOST=0.0.0.0 \
    PRECIS_PORT=8000 \
    PRECIS_DATABASE_URL=sqlite:////srv/precis/data/precis.db \
    PRECIS_DATA_DIR=/srv/precis/data \
    PRECIS_CACHE_DIR=/opt/precis/cache
VOLUME ["/srv/precis/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"
CMD ["precis", "serve"]
