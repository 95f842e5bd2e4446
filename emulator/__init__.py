"""A local Telegram Bot API server with Telegram's rules, and a control API to play users.

Start one with `running_emulator()` (tests, benchmarks, demo) or `serve_forever()`
(`newsbot emulator --port P`); drive it with `EmulatorClient`.
"""

from emulator.client import EmulatorClient, EmulatorError, MessageView
from emulator.core import DEFAULT_TOKEN, Emulator, EmulatorConfig
from emulator.flood import FloodLimits
from emulator.server import RunningEmulator, create_app, running_emulator, serve_forever

__all__ = [
    "DEFAULT_TOKEN",
    "Emulator",
    "EmulatorClient",
    "EmulatorConfig",
    "EmulatorError",
    "FloodLimits",
    "MessageView",
    "RunningEmulator",
    "create_app",
    "running_emulator",
    "serve_forever",
]
