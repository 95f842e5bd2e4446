"""What the demo's scenes share: the running pieces, the people and chats, what was posted.

A scene is an async function of a `DemoWorld`; it acts as a person, the admin or the bot's
owner would, through the emulator, and prints what happens on the world's transcript.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Final

from bot.cli.demo.feedserver import RunningFeedServer
from bot.cli.demo.transcript import Transcript
from bot.context import NewsApplication
from bot.ops.settings import Settings
from emulator.client import ChatInfo, MessageView, UserInfo
from emulator.server import RunningEmulator

CHANNEL_USERNAME: Final = "demo_news"
CHANNEL_TITLE: Final = "Millbrook Demo News"
DISCUSSION_TITLE: Final = "Millbrook Demo News Chat"
"""The channel's linked discussion group, where each post's comments are."""
READER_NAME: Final = "Robin"
"""The simulated reader who follows the channel, searches, shares and saves."""


class DemoError(Exception):
    """A scene could not go on (the command reports it as one line)."""


@dataclass
class DemoWorld:
    """What the scenes share: the running pieces, the demo's chats and what was posted."""

    settings: Settings
    emulator: RunningEmulator
    feeds: RunningFeedServer
    transcript: Transcript
    stop: asyncio.Event
    channel: ChatInfo | None = None
    discussion: ChatInfo | None = None
    reader: UserInfo | None = None
    application: NewsApplication | None = None
    bot_task: asyncio.Task[None] | None = None
    posts: list[MessageView] = field(default_factory=list)

    @property
    def channel_label(self) -> str:
        """Return `@demo_news`, the demo channel as people name it."""
        return f"@{CHANNEL_USERNAME}"

    @property
    def bot_label(self) -> str:
        """Return the bot's `@username` (once it runs), as people name it."""
        return f"@{self.require_application().bot.username}"

    def require_channel(self) -> ChatInfo:
        """Return the demo channel, created by the first scene."""
        if self.channel is None:
            raise DemoError("the demo channel has not been created")
        return self.channel

    def require_discussion(self) -> ChatInfo:
        """Return the channel's discussion group, created with the channel."""
        if self.discussion is None:
            raise DemoError("the demo channel's discussion group has not been created")
        return self.discussion

    def require_reader(self) -> UserInfo:
        """Return the simulated reader, created with the channel."""
        if self.reader is None:
            raise DemoError("the demo reader has not been created")
        return self.reader

    def require_application(self) -> NewsApplication:
        """Return the running application, started by the bot scene."""
        if self.application is None:
            raise DemoError("the bot has not been started")
        return self.application

    def post_titled(self, title: str) -> MessageView:
        """Return the channel post of the story with this title."""
        for post in self.posts:
            if (post.text or post.caption or "").startswith(title):
                return post
        raise DemoError(f"no post of {title!r} in {self.channel_label}")

    def show_message(self, chat: str, message: MessageView) -> None:
        """Print one message as its chat shows it: text or caption, entities and buttons."""
        photo = message.text is None and message.caption is not None
        self.transcript.message(
            chat,
            (message.caption if photo else message.text) or "",
            message.caption_entities if photo else message.entities,
            message.buttons,
            photo=photo,
        )


Scene = Callable[[DemoWorld], Coroutine[Any, Any, None]]
"""One part of the demo: it acts (as a person, the admin or the bot's owner) and prints."""
