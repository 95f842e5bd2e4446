"""The `channels` sub-commands' arguments (handlers: `bot.cli.commands.channels`)."""

from __future__ import annotations

import argparse

from bot.cli.parsers.lazy import command
from news.entities import ChannelStyle

STYLES = tuple(style.value for style in ChannelStyle)
ON_OFF = ("on", "off")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `channels` and its sub-commands."""
    parser = commands.add_parser("channels", help="manage the channels the bot posts into")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser(
        "add", help="add a channel after checking with Telegram that the bot may post there"
    )
    add.add_argument("channel", metavar="@NAME|CHAT_ID")
    add.add_argument(
        "--style", choices=STYLES, help="how posts look (default: text; kept when re-adding)"
    )
    add.set_defaults(handler=command("channels", "add_channel"))

    listing = actions.add_parser("list", help="list channels with their pending posts")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=command("channels", "list_channels"))

    change = actions.add_parser("set", help="change a channel's settings")
    change.add_argument("channel", metavar="ID|@NAME")
    change.add_argument(
        "--discussion",
        choices=ON_OFF,
        help="reply with related coverage under posts in the linked discussion group",
    )
    change.add_argument(
        "--timezone",
        metavar="ZONE",
        help="the channel's IANA time zone for its quiet hours, like Europe/Berlin (default UTC)",
    )
    change.add_argument(
        "--quiet-hours",
        metavar="START-END",
        help="local hours when posts wait in the queue, like 23-07 (they then go out "
        "paced); none to post at any hour",
    )
    change.set_defaults(handler=command("channels", "set_channel"))

    remove = actions.add_parser("remove", help="forget a channel, its routes and queued posts")
    remove.add_argument("channel", metavar="ID|@NAME")
    remove.set_defaults(handler=command("channels", "remove_channel"))
