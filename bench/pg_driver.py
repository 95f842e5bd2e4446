"""PostgreSQL driver benchmark: asyncpg against psycopg 3 (async, psycopg_pool), one run.

    python -m bench.pg_driver               # full size (about a minute)
    python -m bench.pg_driver --tiny        # a few seconds, as CI runs it

Starts a throwaway cluster (tests/support/postgres.py), fills a 10-column table, then for
each driver with a pool of 4 connections measures, alternating the drivers round by round:

(a) a single-row SELECT by primary key, one at a time: p50/p99;
(b) a 50-row SELECT of 10 columns: p50/p99;
(c) 10,000 rows inserted in batches of 500, by executemany and by COPY: rows/s;
(d) 16 concurrent tasks doing (a): ops/s.

Each figure is the best of the rounds (the machine is shared: the best is the least
disturbed); the ratio is asyncpg's speed over psycopg's. The load average is printed before
and after, so a noisy run is visible.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import asyncpg
import psycopg
import psycopg_pool
from psycopg.rows import dict_row

from tests.support.postgres import running_cluster

POOL = 4
TABLE_ROWS = 20_000
PAGE = 50
BATCH = 500
CONCURRENCY = 16

_CREATE = """
CREATE TABLE items (
    id bigint PRIMARY KEY,
    source_id integer NOT NULL,
    url text NOT NULL,
    title text NOT NULL,
    summary text NOT NULL,
    author text,
    language text NOT NULL,
    published_at timestamptz NOT NULL,
    score double precision NOT NULL,
    tags text[] NOT NULL
)
"""
_FILL = """
INSERT INTO items
SELECT n, n % 50, 'https://news.example/story/' || n, 'Harbour council votes ' || n,
       repeat('Councillors met late on Tuesday to settle the winter timetable. ', 3),
       'Staff Writer', 'en', now() - n * interval '1 minute', n / 7.0,
       ARRAY['harbour', 'ferry']
FROM generate_series(1, $1::bigint) AS n
"""
_COLUMNS = "id, source_id, url, title, summary, author, language, published_at, score, tags"
_ONE = f"SELECT {_COLUMNS} FROM items WHERE id = $1"
_PAGE = f"SELECT {_COLUMNS} FROM items WHERE id >= $1 ORDER BY id LIMIT {PAGE}"
_INSERT = f"INSERT INTO sink ({_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"


def _psycopg_sql(sql: str) -> str:
    """Return the statement with psycopg's `%s` placeholders instead of `$n`."""
    for number in range(10, 0, -1):
        sql = sql.replace(f"${number}", "%s")
    return sql


class Driver(Protocol):
    """What the benchmark does with a driver."""

    name: str

    async def one(self, key: int) -> Any: ...
    async def page(self, start: int) -> list[Any]: ...
    async def insert_many(self, rows: list[tuple[Any, ...]]) -> None: ...
    async def copy(self, rows: list[tuple[Any, ...]]) -> None: ...
    async def reset_sink(self) -> None: ...
    async def close(self) -> None: ...


class Asyncpg:
    """asyncpg with its own pool; statements are prepared and cached per connection."""

    name = "asyncpg"

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @classmethod
    async def open(cls, url: str) -> Asyncpg:
        pool = await asyncpg.create_pool(url, min_size=POOL, max_size=POOL)
        return cls(pool)

    async def one(self, key: int) -> Any:
        return await self._pool.fetchrow(_ONE, key)

    async def page(self, start: int) -> list[Any]:
        return list(await self._pool.fetch(_PAGE, start))

    async def insert_many(self, rows: list[tuple[Any, ...]]) -> None:
        await self._pool.executemany(_INSERT, rows)

    async def copy(self, rows: list[tuple[Any, ...]]) -> None:
        async with self._pool.acquire() as connection:
            await connection.copy_records_to_table("sink", records=rows)

    async def reset_sink(self) -> None:
        await self._pool.execute("TRUNCATE sink")

    async def close(self) -> None:
        await self._pool.close()


class Psycopg:
    """psycopg 3 async with psycopg_pool; dict rows (what repositories would use)."""

    name = "psycopg"

    def __init__(self, pool: psycopg_pool.AsyncConnectionPool[Any]) -> None:
        self._pool = pool

    @classmethod
    async def open(cls, url: str) -> Psycopg:
        pool = psycopg_pool.AsyncConnectionPool(
            url, min_size=POOL, max_size=POOL, open=False, kwargs={"row_factory": dict_row}
        )
        await pool.open(wait=True)
        return cls(pool)

    async def one(self, key: int) -> Any:
        async with self._pool.connection() as connection:
            cursor = await connection.execute(_psycopg_sql(_ONE), (key,))
            return await cursor.fetchone()

    async def page(self, start: int) -> list[Any]:
        async with self._pool.connection() as connection:
            cursor = await connection.execute(_psycopg_sql(_PAGE), (start,))
            return list(await cursor.fetchall())

    async def insert_many(self, rows: list[tuple[Any, ...]]) -> None:
        async with self._pool.connection() as connection, connection.cursor() as cursor:
            await cursor.executemany(_psycopg_sql(_INSERT), rows)

    async def copy(self, rows: list[tuple[Any, ...]]) -> None:
        async with (
            self._pool.connection() as connection,
            connection.cursor() as cursor,
            cursor.copy(f"COPY sink ({_COLUMNS}) FROM STDIN") as copy,
        ):
            for row in rows:
                await copy.write_row(row)

    async def reset_sink(self) -> None:
        async with self._pool.connection() as connection:
            await connection.execute("TRUNCATE sink")

    async def close(self) -> None:
        await self._pool.close()


@dataclass
class Figures:
    """The best figures of one driver over the rounds."""

    one: list[float] = field(default_factory=list)  # latencies of the best round, seconds
    page: list[float] = field(default_factory=list)
    insert_many: float = 0.0  # rows/s
    copy: float = 0.0
    concurrent: float = 0.0  # ops/s


def percentile(values: list[float], percent: float) -> float:
    """Return the percentile of `values` in milliseconds (nearest rank)."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(percent / 100 * len(ordered)) - 1))
    return 1000 * ordered[index]


async def latencies(call: Callable[[int], Awaitable[Any]], count: int) -> list[float]:
    """Time `count` sequential calls with random keys."""
    keys = [random.randint(1, TABLE_ROWS - PAGE) for _ in range(count)]
    timings = []
    for key in keys:
        started = time.perf_counter()
        await call(key)
        timings.append(time.perf_counter() - started)
    return timings


async def concurrent_rate(driver: Driver, per_task: int) -> float:
    """Run CONCURRENCY tasks of `per_task` primary-key reads; return ops/s."""

    async def task() -> None:
        for _ in range(per_task):
            await driver.one(random.randint(1, TABLE_ROWS))

    started = time.perf_counter()
    await asyncio.gather(*(task() for _ in range(CONCURRENCY)))
    return CONCURRENCY * per_task / (time.perf_counter() - started)


def sink_rows(count: int) -> list[tuple[Any, ...]]:
    """Return `count` rows for the sink table."""
    when = datetime(2024, 3, 1, tzinfo=UTC)
    return [
        (
            n,
            n % 50,
            f"https://news.example/new/{n}",
            f"Ferry timetable {n}",
            "Councillors met late on Tuesday to settle the winter timetable.",
            "Staff Writer",
            "en",
            when - timedelta(minutes=n),
            n / 7.0,
            ["harbour", "ferry"],
        )
        for n in range(1, count + 1)
    ]


async def insert_rate(
    insert: Callable[[list[tuple[Any, ...]]], Awaitable[None]], rows: list[tuple[Any, ...]]
) -> float:
    """Insert `rows` in batches of BATCH; return rows/s."""
    started = time.perf_counter()
    for offset in range(0, len(rows), BATCH):
        await insert(rows[offset : offset + BATCH])
    return len(rows) / (time.perf_counter() - started)


async def measure(
    driver: Driver, figures: Figures, *, ops: int, rows: list[tuple[Any, ...]]
) -> None:
    """Run one round of every measurement and keep the best figures."""
    for _ in range(50):  # warm: connections, prepared statements, caches
        await driver.one(1)
        await driver.page(1)
    one = await latencies(driver.one, ops)
    if not figures.one or statistics.median(one) < statistics.median(figures.one):
        figures.one = one
    page = await latencies(driver.page, ops // 2)
    if not figures.page or statistics.median(page) < statistics.median(figures.page):
        figures.page = page
    await driver.reset_sink()
    figures.insert_many = max(figures.insert_many, await insert_rate(driver.insert_many, rows))
    await driver.reset_sink()
    figures.copy = max(figures.copy, await insert_rate(driver.copy, rows))
    figures.concurrent = max(
        figures.concurrent, await concurrent_rate(driver, max(1, ops // CONCURRENCY))
    )


def report(results: dict[str, Figures], ops: int, inserted: int) -> None:
    """Print the figures side by side, with asyncpg / psycopg ratios (higher: asyncpg faster)."""
    a, p = results["asyncpg"], results["psycopg"]

    def line(label: str, left: str, right: str, ratio: float) -> None:
        print(f"{label:<34}{left:>22}{right:>22}{ratio:>8.2f}x")

    print(f"{'':<34}{'asyncpg':>22}{'psycopg':>22}{'ratio':>9}")
    for label, left, right in (
        ("(a) row by primary key", a.one, p.one),
        (f"(b) {PAGE} rows x 10 columns", a.page, p.page),
    ):
        for percent in (50, 99):
            x, y = percentile(left, percent), percentile(right, percent)
            line(f"{label} p{percent}", f"{x:.3f} ms", f"{y:.3f} ms", y / x)
    line(
        f"(c) insert {inserted:,} executemany",
        f"{a.insert_many:,.0f} rows/s",
        f"{p.insert_many:,.0f} rows/s",
        a.insert_many / p.insert_many,
    )
    line(
        f"(c) insert {inserted:,} COPY",
        f"{a.copy:,.0f} rows/s",
        f"{p.copy:,.0f} rows/s",
        a.copy / p.copy,
    )
    line(
        f"(d) {CONCURRENCY} tasks x (a)",
        f"{a.concurrent:,.0f} ops/s",
        f"{p.concurrent:,.0f} ops/s",
        a.concurrent / p.concurrent,
    )
    print(
        f"ops per latency series: {ops} (a), {ops // 2} (b); pool of {POOL}; "
        f"asyncpg {asyncpg.__version__}, psycopg {psycopg.__version__} "
        f"({psycopg.pq.__impl__} implementation)"
    )


async def run(url: str, *, ops: int, inserted: int, rounds: int) -> None:
    """Prepare the tables, then alternate the drivers for `rounds` rounds."""
    setup = await asyncpg.connect(url)
    try:
        await setup.execute(_CREATE)
        await setup.execute(_FILL, TABLE_ROWS)
        await setup.execute(_CREATE.replace("items", "sink", 1))
        await setup.execute("VACUUM ANALYZE items")
    finally:
        await setup.close()
    rows = sink_rows(inserted)
    drivers: list[Driver] = [await Asyncpg.open(url), await Psycopg.open(url)]
    results = {driver.name: Figures() for driver in drivers}
    try:
        for _ in range(rounds):
            for driver in drivers:
                await measure(driver, results[driver.name], ops=ops, rows=rows)
    finally:
        for driver in drivers:
            await driver.close()
    report(results, ops, inserted)


def main() -> None:
    """Parse arguments, start the cluster, run and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=5000, help="reads per latency series")
    parser.add_argument("--rows", type=int, default=10_000, help="rows inserted per method")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tiny", action="store_true", help="a few seconds (CI)")
    arguments = parser.parse_args()
    if arguments.tiny:
        arguments.ops, arguments.rows, arguments.rounds = 200, 1000, 1
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    with running_cluster() as cluster:
        print(f"cluster: {cluster.binaries.version()}, started in {cluster.start_seconds:.2f}s")
        asyncio.run(
            run(cluster.url(), ops=arguments.ops, inserted=arguments.rows, rounds=arguments.rounds)
        )
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
