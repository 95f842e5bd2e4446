"""Worker processes that end when the bot process ends, however it ends (even SIGKILL).

Ingest workers are children of the multiprocessing fork server, not of the bot, and they hold
the pipes that keep the fork server and the resource tracker alive: if the bot is killed, a
worker would wait on its task queue forever and keep all three alive. So each worker, as it
starts (`watch_parent` is the pool's initializer), watches the bot process by a pidfd (Linux
5.3+; polling elsewhere) from a daemon thread and exits as soon as the bot is gone; it also
asks the kernel to kill it when its own parent, the fork server, dies (`PR_SET_PDEATHSIG`).
Once the workers are gone the fork server and the resource tracker see end-of-file and exit.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import select
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
POLL_SECONDS = 1.0
"""How often a watcher without pidfd support checks that the bot is alive."""


def watch_parent(bot_pid: int) -> None:
    """Exit this process when `bot_pid` ends (pool initializer; starts a daemon thread)."""
    set_parent_death_signal(signal.SIGKILL)
    try:
        pidfd = os.pidfd_open(bot_pid)
    except ProcessLookupError:
        os._exit(1)  # the bot is already gone
    except (AttributeError, OSError):  # no pidfd (not Linux, or an old kernel): poll instead
        threading.Thread(target=_poll, args=(bot_pid,), daemon=True, name="bot-watch").start()
        return
    threading.Thread(target=_wait, args=(pidfd,), daemon=True, name="bot-watch").start()


def set_parent_death_signal(signum: int) -> bool:
    """Ask Linux to send `signum` to this process when its parent dies; False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return bool(libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0)


def _wait(pidfd: int) -> None:
    """Block until the process behind `pidfd` ends, then end this one."""
    with contextlib.suppress(InterruptedError):
        select.select([pidfd], [], [])
    os._exit(1)


def _poll(pid: int) -> None:
    """Check once per `POLL_SECONDS` that `pid` is alive; end this process when it is not."""
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass  # alive, owned by someone else (cannot happen for our own parent)
        time.sleep(POLL_SECONDS)
