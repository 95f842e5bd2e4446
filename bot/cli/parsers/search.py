"""The `search` and `articles show` arguments (handlers: `bot.cli.commands.search`)."""

from __future__ import annotations

import argparse

from bot.cli.commands.base import record_id, whole_number
from bot.cli.parsers.lazy import command

MAX_LIMIT = 500
"""The most results `newsbot search --limit` may ask for."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `search` and `articles show`."""
    search = commands.add_parser(
        "search",
        help='search stored articles: words, prefix, #tag, "phrase", source:NAME, id:N',
    )
    search.add_argument("query", nargs="*", metavar="QUERY")
    search.add_argument(
        "--limit",
        type=whole_number,
        default=20,
        metavar="N",
        help=f"at most N results (1-{MAX_LIMIT})",
    )
    search.add_argument("--json", action="store_true", help="one JSON object per line")
    search.set_defaults(handler=command("search", "search_command", reads_only=True))

    articles = commands.add_parser("articles", help="read stored articles")
    actions = articles.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="show one article with every field")
    show.add_argument("id", type=record_id, metavar="ID")
    show.add_argument("--json", action="store_true", help="print it as one JSON object")
    show.set_defaults(handler=command("search", "show_article", reads_only=True))
