"""Hypothesis profiles for the property tests, and the example database they share.

`ci` (the default, `make test`): few examples, no deadline (a loaded machine must not make
a test flaky), the committed example database read-only. `bench` (`bench.properties`):
`NEWSBOT_PROPERTY_EXAMPLES` examples (default 2,000) a property, saving failing examples
into the committed database. Pick one with `HYPOTHESIS_PROFILE` or `--hypothesis-profile`.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase, ReadOnlyDatabase

EXAMPLES = Path(__file__).resolve().parents[1] / "hypothesis-examples"
CI_EXAMPLES = 60
BENCH_EXAMPLES = 2_000


def register_profiles() -> None:
    """Register the `ci` and `bench` profiles and load the one the environment names."""
    saved = DirectoryBasedExampleDatabase(EXAMPLES)
    quiet = [HealthCheck.too_slow, HealthCheck.data_too_large]
    settings.register_profile(
        "ci",
        max_examples=CI_EXAMPLES,
        deadline=None,
        database=ReadOnlyDatabase(saved),
        suppress_health_check=quiet,
        print_blob=True,
    )
    settings.register_profile(
        "bench",
        max_examples=int(os.environ.get("NEWSBOT_PROPERTY_EXAMPLES", BENCH_EXAMPLES)),
        deadline=None,
        database=saved,
        suppress_health_check=quiet,
        print_blob=True,
    )
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
