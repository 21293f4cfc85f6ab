# syntax=docker/dockerfile:1
# gongzhi (共治): the API server's image (docs/deployment.md).
#   docker build -t gongzhi .      (or: podman build / buildah bud)
# Stage 1 builds the wheel and every dependency's wheel; stage 2 installs them into a venv on
# a slim base, with no compiler, no pip cache and no source tree, and runs as a plain user.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
# shapely, pyproj, h3, argon2 and cryptography ship manylinux wheels; the compiler is here only
# for a dependency that has none for this platform.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential=12.9 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY gongzhi ./gongzhi
COPY core ./core
COPY models ./models
COPY tenants ./tenants
COPY policies ./policies
COPY resolvers ./resolvers
COPY schema ./schema
COPY migrations ./migrations
COPY bench ./bench
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/gongzhi/bin:$PATH \
    GONGZHI_ENV=production \
    GONGZHI_UPLOAD_DIR=/var/lib/gongzhi/uploads \
    GONGZHI_METRICS_PORT=9100 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/gongzhi-metrics
RUN groupadd --system --gid 10001 gongzhi \
    && useradd --system --uid 10001 --gid gongzhi --home-dir /var/lib/gongzhi --shell /usr/sbin/nologin gongzhi \
    && mkdir -p /var/lib/gongzhi/uploads \
    && chown -R gongzhi:gongzhi /var/lib/gongzhi
COPY --from=build /wheels /wheels
RUN python -m venv /opt/gongzhi \
    && /opt/gongzhi/bin/pip install --no-cache-dir --no-index --find-links=/wheels gongzhi \
    && rm -rf /wheels
USER 10001:10001
WORKDIR /var/lib/gongzhi
EXPOSE 8000 9100
# The process answers (the database is /readyz's business: a liveness check must not restart
# every replica when the database is away).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
# SIGTERM: stop accepting, close WebSockets with 1001, let requests finish
# (GONGZHI_SHUTDOWN_GRACE_SECONDS), exit.
STOPSIGNAL SIGTERM
ENTRYPOINT ["gongzhi"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
