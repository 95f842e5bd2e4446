"""`newsbot channels set … --digest-hour H --timezone TZ --digest off --digest-language L`:
the daily digest's options, checked before anything is stored."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from bot.cli.commands.base import CommandError
from bot.ops.i18n import available_languages
from news.daily import UnknownTimezoneError, zone
from news.entities import Channel
from storage import Database

UNSET = object()


@dataclass(frozen=True, slots=True)
class DigestOptions:
    """What to change; a field left at `UNSET` stays as it is."""

    hour: int | object | None = UNSET
    timezone: str | object | None = UNSET
    language: str | object | None = UNSET

    @property
    def any(self) -> bool:
        """Tell whether anything is to change."""
        return any(value is not UNSET for value in (self.hour, self.timezone, self.language))


def digest_options(args: argparse.Namespace) -> DigestOptions:
    """Read and check the digest options; `CommandError` with one clear line."""
    hour: int | object | None = UNSET
    if args.digest == "off" and args.digest_hour is not None:
        raise CommandError("give either --digest-hour H or --digest off, not both")
    if args.digest == "off":
        hour = None
    elif args.digest_hour is not None:
        if not 0 <= args.digest_hour <= 23:
            raise CommandError(f"--digest-hour is an hour 0-23, not {args.digest_hour}")
        hour = args.digest_hour
    timezone: str | object | None = UNSET
    if args.timezone is not None:
        name = args.timezone.strip()
        try:
            zone(name)
        except UnknownTimezoneError as exc:
            raise CommandError(str(exc)) from None
        timezone = None if name.upper() == "UTC" else name
    language: str | object | None = UNSET
    if args.digest_language is not None:
        code = args.digest_language.strip().lower()
        if code not in available_languages():
            known = ", ".join(sorted(available_languages()))
            raise CommandError(f"no texts in language {code!r}: use one of {known}")
        language = None if code == "en" else code
    return DigestOptions(hour, timezone, language)


async def apply_digest_options(db: Database, channel: Channel, options: DigestOptions) -> Channel:
    """Store the changes and return the channel as it is now."""
    if options.timezone is not UNSET:
        assert options.timezone is None or isinstance(options.timezone, str)
        channel = await db.channels.set_schedule(
            channel.id, timezone=options.timezone, quiet_hours=channel.quiet_hours
        )
    if options.language is not UNSET:
        assert options.language is None or isinstance(options.language, str)
        channel = await db.channels.set_digest_language(channel.id, options.language)
    if options.hour is not UNSET:
        assert options.hour is None or isinstance(options.hour, int)
        channel = await db.channels.set_digest_hour(channel.id, options.hour)
    return channel


def describe_digest(channel: Channel) -> str:
    """Return the digest setting as people read it: `18:00 Europe/Berlin (ru)` or `off`."""
    if channel.digest_hour is None:
        return "off"
    language = f" ({channel.digest_language})" if channel.digest_language else ""
    return f"{channel.digest_hour:02d}:00 {channel.timezone or 'UTC'}{language}"
