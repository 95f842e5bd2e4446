"""The publishing benchmark's yardstick: the best makespan Telegram's limits allow."""

from __future__ import annotations

import pytest

from bench.publish import Workload, ideal_makespan
from bot.publish.pacing import PacingLimits


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
    ],
)
def test_ideal_makespan(workload: Workload, seconds: float) -> None:
    limits = PacingLimits(time_scale=workload.time_scale)
    assert ideal_makespan(workload, limits) == pytest.approx(seconds)


def test_articles_are_spread_evenly_over_channels() -> None:
    workload = Workload(articles=600, channels=30, fanout=3, time_scale=1.0)
    assert workload.posts == 1800
    assert workload.channels_of(0) == [0, 1, 2]
    assert workload.channels_of(10) == [0, 1, 2]
    assert workload.channels_of(11) == [3, 4, 5]
    assert len(set(workload.channels_of(29))) == 3
