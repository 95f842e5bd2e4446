# syntax=docker/dockerfile:1
# newsbot in a container: a small image (python slim, the project's wheel and its runtime
# dependencies only: no compiler, no tests, no dev tools), run as an unprivileged user, the
# SQLite database on the /data volume, /healthz checked by Docker. See docs/deploy.md.
#
#   docker build -t newsbot .
#   docker run -d --name newsbot --env-file .env -v newsbot-data:/data newsbot
#   docker run --rm --env-file .env -v newsbot-data:/data newsbot check

ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY news ./news
COPY storage ./storage
COPY emulator ./emulator
# Wheels of the project and of every dependency (all published as binary wheels).
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:${PYTHON_VERSION}-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/newsbot/bin:$PATH \
    DATABASE_PATH=/data/newsbot.sqlite3 \
    HEALTH_PORT=8080 \
    HEALTH_LISTEN=0.0.0.0
# The project installs its own top-level packages (bot, handlers, news, storage, emulator):
# they live in their own virtual environment, never in the system's site-packages.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    python -m venv /opt/newsbot \
    && /opt/newsbot/bin/pip install --no-cache-dir --no-index --find-links=/wheels newsbot \
    && groupadd --system --gid 10001 newsbot \
    && useradd --system --uid 10001 --gid newsbot --home-dir /data --shell /usr/sbin/nologin newsbot \
    && mkdir /data \
    && chown newsbot:newsbot /data
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
# 200 while the database answers (a degraded fetch or publish is still 200: a restart would
# not fix a dead feed); 503 or no answer: unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; url = 'http://127.0.0.1:' + os.environ.get('HEALTH_PORT', '8080') + '/healthz'; sys.exit(0 if urllib.request.urlopen(url, timeout=4).status == 200 else 1)"]
# SIGTERM (docker stop) stops the bot cleanly: sends in flight finish, the database closes.
STOPSIGNAL SIGTERM
ENTRYPOINT ["newsbot"]
CMD ["run"]
