"""The running newsbot's version, as installed."""

from __future__ import annotations


def newsbot_version() -> str:
    """The installed distribution's version; `unknown` when run from a tree never installed."""
    # importlib.metadata costs tens of milliseconds to import: only `--version` and the
    # health endpoint ask, so it is not imported with the CLI.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsbot")
    except PackageNotFoundError:
        return "unknown"
