"""How fast the `newsbot` command starts: `--help` and `search WORD`, in fresh interpreters.

Each case runs N times in a new process, as a user's shell would run it, two ways in the
same run: as shipped (the parsers name their handlers; a command's module is imported when
it runs) and "eager", which first imports every command module the way the CLI did before
(issue 18: 1.7 s for `--help`). Printed: median and best wall time of each, the ratio, and
how many modules each imported. Bytecode is cached (as for an installed package) even when
PYTHONDONTWRITEBYTECODE is set: a warm-up run writes it.

    .venv/bin/python -m bench.cli            # 10 runs of each
    .venv/bin/python -m bench.cli --tiny     # 1 run of each, as CI runs it
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.machine import load_line
from storage import open_database
from tests.factories import add_source, draft, store

COMMAND_MODULES = [
    "channels",
    "check",
    "db",
    "demo",
    "emulator",
    "fetch",
    "importer",
    "opml",
    "routes",
    "run",
    "search",
    "sources",
]
RUN = """
import json, sys
{eager}
from bot.cli.main import main
try:
    code = main(sys.argv[2:])
except SystemExit as exc:
    code = exc.code
if sys.argv[1]:
    with open(sys.argv[1], "w") as out:
        json.dump(len(sys.modules), out)
sys.exit(code)
"""
EAGER = "\n".join(f"import bot.cli.commands.{name}" for name in COMMAND_MODULES)


def program(*, eager: bool) -> str:
    """The Python program that runs the CLI, importing every command first when `eager`."""
    return RUN.format(eager=EAGER if eager else "")


def timed_run(argv: Sequence[str], env: dict[str, str], *, eager: bool) -> float:
    """Run the CLI once in a new interpreter; return the wall time in seconds."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", program(eager=eager), "", *argv],
        env=env,
        capture_output=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"newsbot {' '.join(argv)} failed: {done.stderr.decode()[-500:]}")
    return elapsed


def modules_imported(argv: Sequence[str], env: dict[str, str], *, eager: bool) -> int:
    """How many modules the CLI has imported by the time it exits."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "count.json"
        subprocess.run(
            [sys.executable, "-c", program(eager=eager), str(report), *argv],
            env=env,
            capture_output=True,
            check=True,
        )
        count: int = json.loads(report.read_text())
    return count


async def sample_database(path: Path) -> None:
    """A database with a few articles for `newsbot search` to find."""
    db = await open_database(path)
    try:
        source = await add_source(db, "Harbour")
        await store(db, source, *(draft(n, f"Budget talks resume, part {n}") for n in range(50)))
    finally:
        await db.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Print the start-up times and the ratio; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each case")
    parser.add_argument("--tiny", action="store_true", help="one run of each (CI)")
    options = parser.parse_args(argv)
    runs = 1 if options.tiny else options.runs
    print(load_line(), flush=True)
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "news.sqlite3"
        asyncio.run(sample_database(database))
        env = {**os.environ, "DATABASE_PATH": str(database)}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        cases = {"--help": ["--help"], "search WORD": ["search", "budget"]}
        for argv in cases.values():  # warm-up: bytecode written, files in the page cache
            timed_run(argv, env, eager=True)
        for name, argv in cases.items():
            lazy, eager = [], []
            for _ in range(runs):  # alternate, so both see the same load
                lazy.append(timed_run(argv, env, eager=False))
                eager.append(timed_run(argv, env, eager=True))
            lazy_count = modules_imported(argv, env, eager=False)
            eager_count = modules_imported(argv, env, eager=True)
            print(
                f"newsbot {name}: {statistics.median(lazy) * 1000:.0f} ms median, "
                f"{min(lazy) * 1000:.0f} ms best, {lazy_count} modules; "
                f"importing every command first: {statistics.median(eager) * 1000:.0f} ms "
                f"median, {min(eager) * 1000:.0f} ms best, {eager_count} modules; "
                f"ratio {statistics.median(eager) / statistics.median(lazy):.1f}x",
                flush=True,
            )
    print(load_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
