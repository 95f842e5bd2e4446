"""The running newsbot's version, as installed."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def newsbot_version() -> str:
    """The installed distribution's version; `unknown` when run from a tree never installed."""
    try:
        return version("newsbot")
    except PackageNotFoundError:
        return "unknown"
