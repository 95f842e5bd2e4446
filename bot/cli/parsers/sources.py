"""The `sources` sub-commands' arguments (handlers: `bot.cli.commands.sources`)."""

from __future__ import annotations

import argparse

from bot.cli.commands.base import record_id, whole_number
from bot.cli.parsers.lazy import command


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `sources` and its sub-commands."""
    parser = commands.add_parser("sources", help="manage the feeds the bot watches")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser(
        "add",
        help="watch a feed (RSS, Atom, JSON Feed), a site that links one, or an article page",
    )
    add.add_argument("url", metavar="URL")
    add.add_argument("--name", help="display name (default: the feed's title)")
    add.add_argument("--tag", action="append", default=[], help="tag every article (repeatable)")
    add.add_argument("--interval", type=whole_number, metavar="S", help="seconds between fetches")
    add.add_argument(
        "--channel",
        action="append",
        default=[],
        metavar="CHANNEL",
        help="post its articles to this added channel (@username or id; repeatable)",
    )
    add.add_argument(
        "--backfill",
        type=whole_number,
        default=0,
        metavar="N",
        help="the first fetch posts only the newest N items (default 0: none, no flood)",
    )
    add.add_argument(
        "--no-check",
        action="store_true",
        help="add the URL without fetching it first (no feed discovery, named by its host)",
    )
    add.set_defaults(handler=command("sources", "add_source"))

    listing = actions.add_parser(
        "list", help="list sources: state, articles, last fetch result, next fetch"
    )
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=command("sources", "list_sources"))

    rename = actions.add_parser("rename", help="give a source another name (articles stay)")
    rename.add_argument("id", type=record_id, metavar="ID")
    rename.add_argument("name", metavar="NAME")
    rename.set_defaults(handler=command("sources", "rename_source"))

    change = actions.add_parser("set", help="change a source's interval or tags (articles stay)")
    change.add_argument("id", type=record_id, metavar="ID")
    change.add_argument(
        "--interval", type=whole_number, metavar="S", help="seconds between fetches"
    )
    change.add_argument(
        "--tag", action="append", metavar="T", help="its tags, replacing the old ones (repeatable)"
    )
    change.add_argument("--no-tags", action="store_true", help="remove its tags")
    change.set_defaults(handler=command("sources", "set_source"))

    remove = actions.add_parser(
        "remove", help="delete a source with its articles (use pause to keep them)"
    )
    remove.add_argument("id", type=record_id, metavar="ID")
    remove.add_argument(
        "--yes", action="store_true", help="do not ask for confirmation (for scripts)"
    )
    remove.set_defaults(handler=command("sources", "remove_source_command"))

    for name, handler, text in (
        ("pause", "pause_source_command", "stop fetching a source for now"),
        ("resume", "resume_source_command", "fetch a paused or deactivated source again"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("id", type=record_id, metavar="ID")
        action.set_defaults(handler=command("sources", handler))
