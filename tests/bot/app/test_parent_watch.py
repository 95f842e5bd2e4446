"""A watched process ends when the process it watches ends, with pidfd or by polling."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.app.parent_watch import set_parent_death_signal

WATCHER = """
import os, sys, time
if sys.argv[2] == "poll":
    del os.pidfd_open  # as on a kernel without pidfd support
from bot.app.parent_watch import watch_parent
watch_parent(int(sys.argv[1]))
print("watching", flush=True)
time.sleep(60)
"""


@pytest.mark.parametrize("mode", ["pidfd", "poll"])
def test_watcher_exits_when_the_watched_process_is_killed(mode):
    watched = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    watcher = subprocess.Popen(
        [sys.executable, "-c", WATCHER, str(watched.pid), mode], stdout=subprocess.PIPE
    )
    try:
        assert watcher.stdout is not None
        assert watcher.stdout.readline() == b"watching\n"
        watched.kill()
        watched.wait()
        assert watcher.wait(timeout=5) == 1
    finally:
        for process in (watched, watcher):
            if process.poll() is None:
                process.kill()
                process.wait()
        if watcher.stdout is not None:
            watcher.stdout.close()


def test_a_watcher_of_a_process_already_gone_exits_at_once():
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    watcher = subprocess.run(
        [sys.executable, "-c", WATCHER, str(gone.pid), "pidfd"], capture_output=True, timeout=10
    )
    assert (watcher.returncode, watcher.stdout) == (1, b"")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux only")
def test_parent_death_signal_is_accepted_on_linux():
    assert set_parent_death_signal(0) is True  # 0 clears it again
