"""`newsbot channels set … --digest-hour H | --digest off, --digest-language L`: the daily
digest's options read and checked before anything is stored (the time zone is the channel's,
`--timezone`, shared with its quiet hours)."""

from __future__ import annotations

import argparse

from bot.cli.commands.base import CommandError
from bot.services.digest_settings import (
    UNSET,
    DigestChanges,
    DigestSettingError,
    Unset,
    checked_hour,
    checked_language,
)


def digest_options(args: argparse.Namespace) -> DigestChanges:
    """Read and check the digest options; `CommandError` with one clear line."""
    if args.digest == "off" and args.digest_hour is not None:
        raise CommandError("give either --digest-hour H or --digest off, not both")
    try:
        hour: int | Unset | None = UNSET
        if args.digest == "off":
            hour = None
        elif args.digest_hour is not None:
            hour = checked_hour(args.digest_hour)
        language = (
            UNSET if args.digest_language is None else checked_language(args.digest_language)
        )
    except DigestSettingError as exc:
        raise CommandError(str(exc)) from None
    return DigestChanges(hour, UNSET, language)
