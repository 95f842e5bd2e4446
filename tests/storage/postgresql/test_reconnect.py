"""The server away for a moment under an open store: reads wait for it, within bounds."""

from __future__ import annotations

import asyncio

from storage import open_database
from tests.support.postgres_plugin import PostgresServer


async def test_a_read_during_a_restart_waits_for_the_server(
    postgres_server: PostgresServer, postgres_url: str
):
    db = await open_database(postgres_url)
    cluster = postgres_server.cluster
    try:
        await db.sources.add("https://harbour.example/rss", "Harbour")
        await asyncio.gather(*(db.sources.list() for _ in range(4)))  # several pooled
        await asyncio.to_thread(cluster.stop)
        try:
            reads = [asyncio.create_task(db.sources.list()) for _ in range(4)]
            await asyncio.sleep(0)  # every read meets the stopped server first
        finally:
            await asyncio.to_thread(cluster.restart)  # starts it with the options it had
        results = await asyncio.gather(*reads)
        assert all([s.name for s in found] == ["Harbour"] for found in results)
        await db.sources.add("https://other.example/rss", "Other")  # writes work again
        assert len(await db.sources.list()) == 2
    finally:
        await db.close()
