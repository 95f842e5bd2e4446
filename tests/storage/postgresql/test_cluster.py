"""The throwaway PostgreSQL cluster of the tests (tests/support/postgres.py)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import asyncpg
import psutil
import pytest

from tests.support.postgres import (
    PostgresUnavailable,
    find_binaries,
    running_cluster,
    server_user,
)

ROOT = Path(__file__).resolve().parents[3]


def test_binaries_are_found_and_are_postgresql_13_or_newer():
    version = re.search(r"\(PostgreSQL\) (\d+)", find_binaries().version())
    assert version is not None
    assert int(version.group(1)) >= 13


def test_binaries_are_found_in_the_debian_folder_when_not_on_the_path(tmp_path):
    folder = tmp_path / "lib" / "postgresql" / "15" / "bin"
    folder.mkdir(parents=True)
    for name in ("initdb", "pg_ctl", "postgres"):
        (folder / name).write_text("#!/bin/sh\n")
        (folder / name).chmod(0o755)
    older = tmp_path / "lib" / "postgresql" / "9.6" / "bin"
    older.mkdir(parents=True)
    binaries = find_binaries(path="", debian_glob=f"{tmp_path}/lib/postgresql/*/bin")
    assert binaries.initdb == folder / "initdb"
    assert binaries.postgres == folder / "postgres"


def test_missing_binaries_fail_with_a_message_saying_how_to_install_them(tmp_path):
    with pytest.raises(PostgresUnavailable, match=r"not found on PATH.*apt-get install"):
        find_binaries(path=str(tmp_path), debian_glob=f"{tmp_path}/none/*/bin")


async def test_a_fresh_database_is_empty_utf8_and_has_the_contrib_extensions(postgres_url):
    connection = await asyncpg.connect(postgres_url)
    try:
        tables = await connection.fetchval(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
        assert tables == 0
        assert await connection.fetchval("SHOW server_encoding") == "UTF8"
        assert await connection.fetchval("SELECT lower('ÉCOLE Москва')") == "école москва"
        await connection.execute("CREATE EXTENSION unaccent")
        await connection.execute("CREATE EXTENSION pg_trgm")
        assert await connection.fetchval("SELECT unaccent('Ḯdlib café')") == "Idlib cafe"
        assert await connection.fetchval("SELECT similarity('idlib', 'idleb')") > 0.3
    finally:
        await connection.close()


async def test_each_test_gets_its_own_database(postgres_server, postgres_url):
    async with postgres_server.database() as other:
        assert other != postgres_url
        connection = await asyncpg.connect(other)
        try:
            await connection.execute("CREATE TABLE mine (id int)")
        finally:
            await connection.close()
    connection = await asyncpg.connect(postgres_url)
    try:
        assert await connection.fetchval("SELECT to_regclass('mine')") is None
    finally:
        await connection.close()


async def test_a_dropped_database_is_gone_even_with_a_connection_left_open(postgres_server):
    name = await postgres_server.create_database()
    leaked = await asyncpg.connect(postgres_server.url(name))
    await postgres_server.drop_database(name)
    assert leaked.is_closed() or not await _alive(leaked)
    admin = await asyncpg.connect(postgres_server.admin_url)
    try:
        assert (
            await admin.fetchval("SELECT count(*) FROM pg_database WHERE datname = $1", name) == 0
        )
    finally:
        await admin.close()
        leaked.terminate()


async def _alive(connection: asyncpg.Connection) -> bool:
    """Return whether the connection still answers."""
    try:
        await connection.fetchval("SELECT 1")
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
        return False
    return True


async def test_a_template_is_built_once_and_copied(postgres_server):
    built = []

    async def setup(url: str) -> None:
        built.append(url)
        connection = await asyncpg.connect(url)
        try:
            await connection.execute("CREATE TABLE things (id int PRIMARY KEY)")
            await connection.execute("INSERT INTO things VALUES (1), (2)")
        finally:
            await connection.close()

    template = await postgres_server.template("things_template", setup)
    assert await postgres_server.template("things_template", setup) == template
    assert len(built) == 1
    async with postgres_server.database(template=template) as url:
        connection = await asyncpg.connect(url)
        try:
            assert await connection.fetchval("SELECT count(*) FROM things") == 2
        finally:
            await connection.close()


async def test_the_server_listens_on_loopback_only_and_asks_for_a_password(postgres_server):
    cluster = postgres_server.cluster
    admin = await asyncpg.connect(postgres_server.admin_url)
    try:
        assert await admin.fetchval("SHOW listen_addresses") == "127.0.0.1"
    finally:
        await admin.close()
    with pytest.raises(asyncpg.InvalidPasswordError):
        await asyncpg.connect(cluster.url(password="wrong"))


def test_the_server_never_runs_as_root(postgres_server):
    owner = psutil.Process(postgres_server.cluster.postmaster_pid()).username()
    assert owner != "root"
    assert owner == (server_user() or psutil.Process().username())


def test_the_cluster_is_stopped_and_removed_also_when_the_block_fails():
    seen = []

    def fail_inside() -> None:
        with running_cluster() as cluster:
            seen.append((cluster, psutil.Process(cluster.postmaster_pid())))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        fail_inside()
    [(cluster, server)] = seen
    assert not cluster.base.exists()
    assert _gone(server)


def _gone(process: psutil.Process) -> bool:
    """Return whether the process ended (a zombie waiting for its reaper has ended)."""
    try:
        return not process.is_running() or process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_the_watchdog_stops_the_cluster_when_its_owner_is_killed():
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import sys
                from tests.support.postgres import start_cluster
                cluster = start_cluster()
                print(cluster.base, cluster.postmaster_pid(), cluster._watchdog.pid, flush=True)
                sys.stdin.read()
                """
            ),
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as owner:
        assert owner.stdout is not None
        base, server_pid, watchdog_pid = owner.stdout.readline().split()
        server = psutil.Process(int(server_pid))
        watchdog = psutil.Process(int(watchdog_pid))
        os.kill(owner.pid, signal.SIGKILL)
        owner.wait(timeout=10)
        watchdog.wait(timeout=60)  # it exits once the server is stopped and the folder gone
        assert _gone(server)
        assert not Path(base).exists()
