"""A channel's daily digest settings (hour, time zone, language), checked the same way for
the CLI (`newsbot channels set`) and the admin chat (`/digest`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from bot.ops.i18n import N_, available_languages
from news.daily import UnknownTimezoneError, zone
from news.entities import Channel
from storage import Database

BAD_HOUR: Final = N_("The digest hour is a whole hour 0-23, not {value}.")
BAD_TIMEZONE: Final = N_("Unknown time zone {value}: use an IANA name such as Europe/Berlin.")
BAD_LANGUAGE: Final = N_("No texts in language {value}: use one of {known}.")


class DigestSettingError(ValueError):
    """A digest setting that cannot be stored; `message` is an English msgid with `fields`."""

    def __init__(self, message: str, **fields: object) -> None:
        """Keep the msgid and its fields (the English text is the exception's text)."""
        super().__init__(message.format(**fields))
        self.message = message
        self.fields = fields


class Unset:
    """The value of a setting left as it is."""


UNSET: Final = Unset()


@dataclass(frozen=True, slots=True)
class DigestChanges:
    """What to change; a field left at `UNSET` stays as it is."""

    hour: int | Unset | None = field(default=UNSET)
    timezone: str | Unset | None = field(default=UNSET)
    language: str | Unset | None = field(default=UNSET)

    @property
    def any(self) -> bool:
        """Tell whether anything is to change."""
        return not all(isinstance(v, Unset) for v in (self.hour, self.timezone, self.language))


def checked_hour(value: str | int) -> int:
    """Return a digest hour 0-23 given as text or a number; `DigestSettingError` else."""
    text = str(value).strip()
    if text.isdecimal() and 0 <= int(text) <= 23:
        return int(text)
    raise DigestSettingError(BAD_HOUR, value=text)


def checked_timezone(name: str) -> str | None:
    """Return an IANA time zone name as stored (None for UTC); `DigestSettingError` else."""
    clean = name.strip()
    try:
        zone(clean)
    except UnknownTimezoneError:
        raise DigestSettingError(BAD_TIMEZONE, value=repr(clean)) from None
    return None if clean.upper() == "UTC" else clean


def checked_language(code: str) -> str | None:
    """Return a digest language as stored (None for English); `DigestSettingError` else."""
    clean = code.strip().lower()
    if clean not in available_languages():
        known = ", ".join(sorted(available_languages()))
        raise DigestSettingError(BAD_LANGUAGE, value=repr(clean), known=known)
    return None if clean == "en" else clean


async def apply_digest_changes(db: Database, channel: Channel, changes: DigestChanges) -> Channel:
    """Store the changes (the time zone keeps the channel's quiet hours) and return the
    channel as it is now."""
    if not isinstance(changes.timezone, Unset):
        channel = await db.channels.set_schedule(
            channel.id, timezone=changes.timezone, quiet_hours=channel.quiet_hours
        )
    if not isinstance(changes.language, Unset):
        channel = await db.channels.set_digest_language(channel.id, changes.language)
    if not isinstance(changes.hour, Unset):
        channel = await db.channels.set_digest_hour(channel.id, changes.hour)
    return channel


def describe_digest(channel: Channel) -> str:
    """Return the digest setting as people read it: `18:00 Europe/Berlin (ru)` or `off`."""
    if channel.digest_hour is None:
        return "off"
    language = f" ({channel.digest_language})" if channel.digest_language else ""
    return f"{channel.digest_hour:02d}:00 {channel.timezone or 'UTC'}{language}"
