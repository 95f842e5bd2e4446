"""Change a route's options: template, link preview, silent, forum topic, full text.

Shared by `newsbot routes set|add` and the `/setroute` admin command. Every refusal is a
`RouteOptionError` with one line saying what is wrong (English, like the CLI's; the chat
command shows it as Telegram or the template checker wrote it). A topic given by name is
created in the forum (`createForumTopic`): the bot must be an administrator allowed to
manage topics; a topic given by number is the `message_thread_id` of an existing topic.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

from telegram import Bot
from telegram.error import TelegramError

from news.entities import ChannelStyle, LinkPreview, Route, RouteOptions
from news.render.template import TemplateError, validate_template
from storage import Database

DEFAULT: Final = "default"
"""`--link-preview default`: the channel style decides again."""
NO_TOPIC: Final = "none"
"""`--topic none`: post to the chat itself again."""
ON_OFF: Final = {"on": True, "off": False}


class RouteOptionError(ValueError):
    """An option that cannot be set, with one line saying why."""


@dataclass(frozen=True, slots=True)
class OptionChanges:
    """What to change on a route; None leaves an option as it is."""

    template: str | None = None
    """A template, or "" for the channel style's own layout."""
    link_preview: str | None = None
    """off, on, large, or `default`."""
    silent: str | None = None
    """on or off."""
    topic: str | None = None
    """A topic's message_thread_id, a name to create, or `none`."""
    full_text: str | None = None
    """on or off: the article's full text as a Telegraph page linked from the post."""

    @property
    def empty(self) -> bool:
        """Tell whether nothing is to change."""
        return all(
            value is None
            for value in (
                self.template, self.link_preview, self.silent, self.topic, self.full_text
            )
        )  # fmt: skip

    @property
    def needs_bot(self) -> bool:
        """Tell whether applying the changes asks Telegram (a topic created by name)."""
        return self.topic is not None and topic_number(self.topic) is None


def topic_number(reference: str) -> int | None:
    """Return a topic reference's message_thread_id, or None when it is a name."""
    value = reference.strip()
    return int(value) if value.isdecimal() and len(value) <= 12 else None


async def change_route_options(
    db: Database, route: Route, changes: OptionChanges, *, bot: Bot | None = None
) -> Route:
    """Check the changes, create a topic named by name, and store the route's options."""
    channel = await db.channels.get(route.channel_id)
    options = route.options
    if changes.template is not None:
        options = replace(options, template=_template(changes.template, channel.style))
    if changes.link_preview is not None:
        options = replace(options, link_preview=_link_preview(changes.link_preview))
    if changes.silent is not None:
        if changes.silent.lower() not in ON_OFF:
            raise RouteOptionError(f"silent must be on or off, not {changes.silent!r}")
        options = replace(options, silent=ON_OFF[changes.silent.lower()])
    if changes.full_text is not None:
        if changes.full_text.lower() not in ON_OFF:
            raise RouteOptionError(f"full text must be on or off, not {changes.full_text!r}")
        options = replace(options, full_text=ON_OFF[changes.full_text.lower()])
    if changes.topic is not None:
        options = await _topic(options, changes.topic, channel.chat_id, bot)
    return await db.channels.set_route_options(route.id, options)


def describe_options(options: RouteOptions) -> str:
    """Return a route's options in words (`default` when none is set)."""
    parts = []
    if options.template is not None:
        parts.append("template")
    if options.link_preview is not None:
        parts.append(f"preview {options.link_preview.value}")
    if options.silent:
        parts.append("silent")
    if options.topic_id is not None:
        name = f" {options.topic_name}" if options.topic_name else ""
        parts.append(f"topic {options.topic_id}{name}")
    if options.full_text:
        parts.append("full text")
    return ", ".join(parts) or "default"


def _template(text: str, style: ChannelStyle) -> str | None:
    """Return a checked template (None for the style's layout)."""
    if not text.strip():
        return None
    try:
        validate_template(text, caption=style is ChannelStyle.PHOTO)
    except TemplateError as error:
        raise RouteOptionError(f"template refused: {error}") from None
    return text


def _link_preview(value: str) -> LinkPreview | None:
    """Read off, on, large or default."""
    lowered = value.strip().lower()
    if lowered == DEFAULT:
        return None
    try:
        return LinkPreview(lowered)
    except ValueError:
        raise RouteOptionError(
            f"link preview must be off, on, large or default, not {value!r}"
        ) from None


async def _topic(
    options: RouteOptions, reference: str, chat_id: int, bot: Bot | None
) -> RouteOptions:
    """Return the options with the topic named (created when given by name)."""
    value = reference.strip()
    if value.lower() == NO_TOPIC:
        return replace(options, topic_id=None, topic_name=None)
    number = topic_number(value)
    if number is not None:
        return replace(options, topic_id=number, topic_name=None)
    if not value or len(value) > 128:
        raise RouteOptionError("a topic name is 1 to 128 characters")
    if bot is None:
        raise RouteOptionError("creating a topic by name needs the bot (TELEGRAM_BOT_TOKEN)")
    try:
        topic = await bot.create_forum_topic(chat_id, value)
    except TelegramError as error:
        raise RouteOptionError(
            f"cannot create the topic {value!r} (Telegram says: {error.message}); the chat "
            "must be a forum and the bot an administrator allowed to manage topics"
        ) from None
    return replace(options, topic_id=topic.message_thread_id, topic_name=topic.name)
