"""Serve the files of a folder on 127.0.0.1 from their own process (for the benchmarks).

Usage: python -m bench.serve_feeds FOLDER — prints the base URL on its first line, then
serves until killed. Running apart keeps the server's CPU out of the measured process.
Files are served as XML, but `.png` files as `image/png` (the photos of bench.publish).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from aiohttp import web


def load(folder: Path) -> dict[str, bytes]:
    """Read every file of `folder`, keyed by URL path."""
    return {f"/{p.name}": p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


async def serve(documents: dict[str, bytes]) -> None:
    """Serve `documents` until cancelled."""

    async def handle(request: web.Request) -> web.Response:
        body = documents.get(request.path)
        if body is None:
            raise web.HTTPNotFound()
        kind = "image/png" if request.path.endswith(".png") else "application/xml"
        return web.Response(body=body, content_type=kind)

    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    print(f"http://127.0.0.1:{port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main() -> None:
    """Run the server for the folder named on the command line."""
    asyncio.run(serve(load(Path(sys.argv[1]))))


if __name__ == "__main__":
    main()
