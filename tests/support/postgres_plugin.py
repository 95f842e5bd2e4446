"""pytest fixtures for PostgreSQL (registered in tests/conftest.py).

- `postgres_server` (session): one throwaway cluster per test process, started on first use
  (so a run that needs no PostgreSQL pays nothing) and removed at the end. Under
  pytest-xdist every worker is its own process and so gets its own cluster: no names shared.
- `postgres_url` (function): the URL of a fresh, empty database, dropped after the test.

A test that needs a migrated schema can clone a template built once per session:

    async def migrated(url: str) -> None: ...          # build the schema at `url`
    async with postgres_server.database(
        template=await postgres_server.template("migrated", migrated)
    ) as url: ...

Missing PostgreSQL binaries fail the test with `PostgresUnavailable`: never a skip.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

from tests.support.postgres import Cluster, running_cluster


class PostgresServer:
    """The session's cluster, making and dropping databases in it."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self._numbers = itertools.count(1)
        self._templates: set[str] = set()

    @property
    def admin_url(self) -> str:
        """Return the superuser's URL on the `postgres` maintenance database."""
        return self.cluster.url("postgres")

    def url(self, database: str) -> str:
        """Return the superuser's URL on `database`."""
        return self.cluster.url(database)

    async def _admin(self, *statements: str) -> None:
        """Run statements on the maintenance database, outside any transaction."""
        connection = await asyncpg.connect(self.admin_url)
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    async def create_database(self, *, template: str = "template1") -> str:
        """Create a database (a copy of `template`); return its name."""
        name = f"test_{next(self._numbers)}"
        await self._admin(f'CREATE DATABASE {name} TEMPLATE "{template}"')
        return name

    async def drop_database(self, name: str) -> None:
        """Drop a database, ending any session still connected to it."""
        await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @asynccontextmanager
    async def database(self, *, template: str = "template1") -> AsyncIterator[str]:
        """Yield the URL of a new database (a copy of `template`), dropped afterwards."""
        name = await self.create_database(template=template)
        try:
            yield self.url(name)
        finally:
            await self.drop_database(name)

    async def template(self, name: str, setup: Callable[[str], Awaitable[None]]) -> str:
        """Return `name`, a template database built by `setup(url)` on first call.

        `setup` must close its connections: a template with sessions cannot be copied.
        """
        if name not in self._templates:
            await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await self._admin(f'CREATE DATABASE "{name}"')
            await setup(self.url(name))
            await self._admin(f'ALTER DATABASE "{name}" WITH IS_TEMPLATE true')
            self._templates.add(name)
        return name


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL cluster for this test process, removed at the end."""
    with running_cluster() as cluster:
        yield PostgresServer(cluster)


@pytest.fixture
async def postgres_url(postgres_server: PostgresServer) -> AsyncIterator[str]:
    """The URL of a fresh, empty database, dropped after the test."""
    async with postgres_server.database() as url:
        yield url
