"""A PostgreSQL cluster kept under bench/.cache between runs, for benchmarks on big databases.

    async with cached_cluster(CACHE / "pg15-inline-v1-1000000", fill) as url:
        ...                             # url: postgresql://admin:…@127.0.0.1:PORT/newsbot

The first run creates the cluster (`initdb` as in `tests/support/postgres.py`: unprivileged
server user when root, durability off), creates the `newsbot` database, calls `fill(url)`
(e.g. `newsbot db copy` of a cached SQLite dataset) and marks the folder complete; later
runs only start it on a free port. A folder left without its mark (an interrupted fill) is
moved aside as `….stale-<time>` and built again. The server is stopped at the end of the
block; a server left running by a killed run is stopped before the next start.

A cached cluster is never migrated in place (other branches' runs use it at their own
schema): `schema_copy` gives the copy for a schema version, `<name>-s<version>`, copied
once from the cached cluster (stopped) and migrated by its first run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import re
import secrets
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Final

import asyncpg

from tests.support.postgres import (
    Cluster,
    PostgresUnavailable,
    _initdb,
    find_binaries,
    free_port,
    server_user,
)

DATABASE: Final = "newsbot"
READY: Final = "READY"
# PostgreSQL's own default shared_buffers (the test clusters use 64MB); the rest as in tests.
_BENCH_SETTINGS: Final = "shared_buffers = 128MB\n"


def _cluster(base: Path) -> Cluster:
    """Describe the cluster stored in `base` (its password is kept beside the data)."""
    secret_file = base / "password"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(18))
        secret_file.chmod(0o600)
    return Cluster(
        base=base,
        port=0,
        password=secret_file.read_text().strip(),
        binaries=find_binaries(),
        user=server_user(),
    )


def _create(base: Path) -> Cluster:
    """Make `base` and initdb a cluster in it, owned by the server's user."""
    base.mkdir(parents=True)
    cluster = _cluster(base)
    if cluster.user is not None:
        entry = pwd.getpwnam(cluster.user)
        os.chown(base, entry.pw_uid, entry.pw_gid)
    _initdb(cluster)
    with (cluster.data / "postgresql.conf").open("a") as conf:
        conf.write(_BENCH_SETTINGS)
    return cluster


def _start(cluster: Cluster, settings: Sequence[str] = ()) -> None:
    """Start the server on a free port (stopping one a killed run left behind), with
    `settings` ("name=value") for this start only."""
    extra = "".join(f" -c {setting}" for setting in settings)
    if (cluster.data / "postmaster.pid").exists():
        with contextlib.suppress(PostgresUnavailable):
            cluster.pg_ctl("stop", "-m", "immediate", "-w")
    for attempt in range(3):  # another process may take the free port before the server
        cluster.port = free_port()
        try:
            cluster.pg_ctl(
                "start",
                "-w",
                "-t",
                "120",
                "-l",
                str(cluster.log),
                "-o",
                f"-p {cluster.port}{extra}",
            )
        except PostgresUnavailable:
            if attempt == 2:
                raise
        else:
            return


def schema_copy(base: Path, version: int) -> tuple[Path, Path | None]:
    """Return the folder of `base`'s cluster for schema `version` and what it was copied
    from now (None: not copied): `<base>-s<version>` if made before, else a copy of the
    newest complete earlier one (`copy_source`: fewer migrations to run; the caller's first
    open migrates it), else that folder to be built from scratch."""
    base = base.resolve()
    target = base.with_name(f"{base.name}-s{version}")
    source = copy_source(base, version)
    if (target / READY).exists() or source is None:
        return target, None
    while _running(source):  # another run's server: its files are changing
        print(f"waiting for the server in {source.name} to stop before copying it", flush=True)
        time.sleep(10)
    partial = target.with_name(f"{target.name}.partial")
    subprocess.run(["rm", "-rf", str(partial)], check=True)
    subprocess.run(["cp", "-a", str(source), str(partial)], check=True)  # keeps the owner
    conf = partial / "data" / "postgresql.conf"
    text = re.sub(
        r"^unix_socket_directories = .*$",
        f"unix_socket_directories = '{target}'",
        conf.read_text(),
        flags=re.M,
    )
    conf.write_text(text)
    (partial / "data" / "postmaster.pid").unlink(missing_ok=True)
    partial.rename(target)
    return target, source


def copy_source(base: Path, version: int) -> Path | None:
    """Return the complete cluster to copy for schema `version`: the newest `<base>-s<V>`
    with V < version, else `base` itself (None: neither is complete)."""
    earlier = []
    for folder in base.parent.glob(f"{base.name}-s*"):
        suffix = folder.name[len(base.name) + 2 :]
        if suffix.isdigit() and int(suffix) < version and (folder / READY).exists():
            earlier.append((int(suffix), folder))
    if earlier:
        return max(earlier)[1]
    return base if (base / READY).exists() else None


def _running(base: Path) -> bool:
    """Tell whether a live server runs in the cluster stored in `base`."""
    try:
        pid = int((base / "data" / "postmaster.pid").read_text().split()[0])
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, IndexError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def _prepare(base: Path) -> tuple[Path, bool]:
    """Resolve `base` (the server needs the real path, not bench/.cache's symlink), move an
    interrupted build aside; return it and whether it must be built."""
    base = base.resolve()
    if base.exists() and not (base / READY).exists():
        base.rename(base.with_name(f"{base.name}.stale-{int(time.time())}"))
    return base, not base.exists()


@asynccontextmanager
async def cached_cluster(
    base: Path, fill: Callable[[str], Awaitable[None]], settings: Sequence[str] = ()
) -> AsyncIterator[str]:
    """Start the cached cluster in `base` (building and filling it the first time; server
    `settings` "name=value" for this start only); yield the URL of its `newsbot` database;
    stop it at the end."""
    base, fresh = await asyncio.to_thread(_prepare, base)
    cluster = await asyncio.to_thread(_create, base) if fresh else _cluster(base)
    await asyncio.to_thread(_start, cluster, settings)
    try:
        url = cluster.url(DATABASE)
        if fresh:
            admin = await asyncpg.connect(cluster.url("postgres"))
            try:
                await admin.execute(f"CREATE DATABASE {DATABASE}")
            finally:
                await admin.close()
            await fill(url)
            (base / READY).write_text(time.strftime("%Y-%m-%d %H:%M:%S\n"))
        yield url
    finally:
        await asyncio.to_thread(cluster.stop)
