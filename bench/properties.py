"""The property-based tests run long: the same properties as `make test`, many more examples.

    python -m bench.properties                  # 2,000 examples a property
    python -m bench.properties --examples 20000
    python -m bench.properties --tiny           # 20 examples, for CI

Runs the property tests (`PROPERTY_TESTS`) under the hypothesis profile `bench`
(tests/support/properties.py): every failing example is saved into the committed example
database (tests/hypothesis-examples/), so `make test` replays it from then on. Prints each
property's outcome and time, and the total.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROPERTY_TESTS = (
    "tests/news/parse/test_parse_properties.py",
    "tests/news/test_query_properties.py",
    "tests/news/test_render_properties.py",
    "tests/news/test_buttons_properties.py",
)
_DURATION = re.compile(r"^([\d.]+)s call\s+(\S+)$")


def main(argv: list[str] | None = None) -> int:
    """Run the properties with many examples; return pytest's exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2_000, help="examples a property")
    parser.add_argument("--tiny", action="store_true", help="20 examples, for CI")
    args = parser.parse_args(argv)
    examples = 20 if args.tiny else args.examples
    env = {
        **os.environ,
        "HYPOTHESIS_PROFILE": "bench",
        "NEWSBOT_PROPERTY_EXAMPLES": str(examples),
    }
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"]
    command += ["--durations=0", "--durations-min=0", *PROPERTY_TESTS]
    print(f"properties: {examples:,} examples each, profile bench", flush=True)
    started = time.perf_counter()
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    timings = [_DURATION.match(line.strip()) for line in run.stdout.splitlines()]
    for match in sorted(filter(None, timings), key=lambda m: m.group(2)):
        print(f"  {match.group(2).split('::', 1)[1]:<70} {float(match.group(1)):7.2f}s")
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr
    print(f"result: {summary} (wall {seconds:.1f}s)")
    if run.returncode != 0:
        print(run.stdout, file=sys.stderr)
        print("failing examples were saved into tests/hypothesis-examples/", file=sys.stderr)
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
