"""Bot API method handlers, one module per family, gathered into a name-to-handler table."""

from __future__ import annotations

from emulator.methods import albums, bot_info, chats, edits, forums, messages, queries, updates_api
from emulator.methods.base import Handler, MethodEntry


def build_registry() -> dict[str, MethodEntry]:
    """Return every implemented method keyed by its lower-case name (names ignore case)."""
    registry: dict[str, MethodEntry] = {}
    for module in (albums, bot_info, chats, edits, forums, messages, queries, updates_api):
        table: dict[str, Handler] = module.METHODS
        for name, handler in table.items():
            registry[name.lower()] = MethodEntry(name, handler)
    return registry


__all__ = ["Handler", "MethodEntry", "build_registry"]
