"""The publishing benchmark: its yardstick (the best makespan the limits allow) and a tiny run."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.publish import Workload, ideal_makespan
from bot.transport.pacing import PacingLimits

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("workload", "seconds"),
    [
        # 20 posts per channel: only the overall limit binds (600 posts at 30/s).
        (Workload(articles=600, channels=30, fanout=1, time_scale=1.0), 19.0),
        # 60 per channel: two more channel windows after the first 20 s burst.
        (Workload(articles=600, channels=30, fanout=3, time_scale=1.0), 139.0),
        # 40 per channel, 3 channels: one window then the rest at once.
        (Workload(articles=60, channels=3, fanout=2, time_scale=1.0), 61.0),
        (Workload(articles=60, channels=3, fanout=2, time_scale=0.02), 1.22),
        # albums of 10 and their follow-ups (11 messages a post): two posts per window.
        (Workload(3, 1, 1, 1.0, album_every=1, album_photos=10), 120.0),
        # an album does not fit the 9 places left by 11 sends: it waits, all or nothing.
        (Workload(2, 1, 1, 1.0, album_every=1, album_photos=10), 60.0),
    ],
)
def test_ideal_makespan(workload: Workload, seconds: float) -> None:
    limits = PacingLimits(time_scale=workload.time_scale)
    assert ideal_makespan(workload, limits) == pytest.approx(seconds)


def test_albums_count_their_photos_and_a_follow_up() -> None:
    workload = Workload(600, 30, 3, 1.0, album_every=4, album_photos=4)
    assert (workload.posts, workload.albums, workload.messages) == (1800, 450, 3600)
    assert workload.sends_of(0) == [4, 1]
    assert workload.sends_of(1) == [1]


def test_articles_are_spread_evenly_over_channels() -> None:
    workload = Workload(articles=600, channels=30, fanout=3, time_scale=1.0)
    assert workload.posts == 1800
    assert workload.channels_of(0) == [0, 1, 2]
    assert workload.channels_of(10) == [0, 1, 2]
    assert workload.channels_of(11) == [3, 4, 5]
    assert len(set(workload.channels_of(29))) == 3


def test_tiny_publishing_benchmark_delivers_everything_without_429() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bench.publish", "--tiny"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "= 120 posts (30 albums, 240 messages)" in run.stdout
    assert run.stdout.count("429 answers: 0 (target 0); lost: 0 (must be 0); repeated: 0") == 2
    for case in ("as the machine is", "beside a CPU hog"):  # both runs, one invocation
        assert re.search(rf"{case} \(load average [\d. ]+ on \d+ cores\)", run.stdout)
        assert re.search(rf"achieved / allowed, {case}: [01]\.\d{{3}}", run.stdout), run.stdout
