"""What `/follow`, `/following` and `/unfollow` do, without Telegram: checks and outcomes.

A user's follows are numbered 1, 2, ... oldest first, as `/following` lists them; the
✖ buttons carry the follow's id (`fx:<id>`), so a press stays right after renumbering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from news.entities import Follow, FollowAddOutcome
from news.follows import FollowProblem, FollowQuery, FollowQueryError, parse_follow
from news.render import Keyboard, PostButton
from storage import Database

REMOVE: Final = "✖"
BUTTONS_PER_ROW: Final = 5
UNFOLLOW_DATA_PATTERN: Final = r"^fx:"
_UNFOLLOW_DATA: Final = re.compile(r"fx:([1-9][0-9]{0,18})")
_NUMBER: Final = re.compile(r"[1-9][0-9]{0,5}")


class FollowStatus(StrEnum):
    """How a `/follow` ended."""

    ADDED = "added"
    DUPLICATE = "duplicate"
    LIMIT_REACHED = "limit_reached"
    INVALID = "invalid"
    UNKNOWN_SOURCE = "unknown_source"


@dataclass(frozen=True, slots=True)
class FollowResult:
    """The outcome of `/follow TEXT`, with what the reply needs."""

    status: FollowStatus
    query: FollowQuery | None = None
    follow: Follow | None = None
    """The follow stored (ADDED), or the same one the user had (DUPLICATE)."""
    number: int = 0
    """The follow's number in `/following` (ADDED, DUPLICATE)."""
    problem: FollowProblem | None = None
    """Why the text cannot be followed (INVALID)."""
    unknown_sources: tuple[str, ...] = ()
    """The `source:` names no source has (UNKNOWN_SOURCE)."""
    count: int = 0
    """How many follows the user keeps now."""


class UnfollowStatus(StrEnum):
    """How an `/unfollow` ended."""

    REMOVED = "removed"
    NO_SUCH_NUMBER = "no_such_number"
    NOT_FOLLOWING = "not_following"
    USAGE = "usage"


@dataclass(frozen=True, slots=True)
class UnfollowResult:
    """The outcome of `/unfollow N|TEXT`."""

    status: UnfollowStatus
    follow: Follow | None = None
    """The follow removed (REMOVED)."""
    asked: str = ""
    """The number or text the user gave."""


@dataclass(frozen=True, slots=True)
class FollowingList:
    """A user's follows as `/following` shows them."""

    follows: tuple[Follow, ...]
    limit: int
    keyboard: Keyboard = field(default=())


async def resume_alerts(db: Database, user_id: int) -> bool:
    """Resume a user's follows paused when the bot could not reach them; return whether
    any were paused."""
    return await db.follows.set_paused_for_user(user_id, False) > 0


async def start_following(
    db: Database, user_id: int, text: str, *, max_follows: int
) -> FollowResult:
    """Check `text` and store it as the user's follow (unless it is a duplicate or the user
    keeps `max_follows` already)."""
    try:
        query = parse_follow(text)
    except FollowQueryError as error:
        return FollowResult(FollowStatus.INVALID, problem=error.problem)
    unknown = await _unknown_sources(db, query)
    if unknown:
        return FollowResult(FollowStatus.UNKNOWN_SOURCE, query, unknown_sources=unknown)
    added = await db.follows.add(user_id, query.text, query.key, max_follows=max_follows)
    follows = await db.follows.list(user_id)
    if added.outcome is FollowAddOutcome.LIMIT_REACHED or added.follow is None:
        return FollowResult(FollowStatus.LIMIT_REACHED, query, count=len(follows))
    number = next(n for n, f in enumerate(follows, 1) if f.id == added.follow.id)
    status = (
        FollowStatus.ADDED if added.outcome is FollowAddOutcome.ADDED else FollowStatus.DUPLICATE
    )
    return FollowResult(status, query, added.follow, number=number, count=len(follows))


async def _unknown_sources(db: Database, query: FollowQuery) -> tuple[str, ...]:
    """Return the `source:` names of the query that name no source (each checked alone)."""
    return tuple([name for name in query.search.sources if not await db.sources.ids_named([name])])


async def stop_following(db: Database, user_id: int, asked: str) -> UnfollowResult:
    """Remove the user's follow numbered `asked` (as `/following` lists them), or the one
    that is the same search as the text `asked`."""
    asked = " ".join(asked.split())
    if not asked:
        return UnfollowResult(UnfollowStatus.USAGE)
    follows = await db.follows.list(user_id)
    if _NUMBER.fullmatch(asked):
        number = int(asked)
        if number > len(follows):
            return UnfollowResult(UnfollowStatus.NO_SUCH_NUMBER, asked=asked)
        target = follows[number - 1]
    else:
        try:
            key = parse_follow(asked).key
        except FollowQueryError:
            key = None
        same = [f for f in follows if f.query_key == key]
        if not same:
            return UnfollowResult(UnfollowStatus.NOT_FOLLOWING, asked=asked)
        target = same[0]
    if not await db.follows.remove(user_id, target.id):
        return UnfollowResult(UnfollowStatus.NOT_FOLLOWING, asked=asked)
    return UnfollowResult(UnfollowStatus.REMOVED, target, asked=asked)


async def following_list(db: Database, user_id: int, *, limit: int) -> FollowingList:
    """Return the user's follows with a ✖ button each (rows of `BUTTONS_PER_ROW`)."""
    follows = tuple(await db.follows.list(user_id))
    buttons = [
        PostButton(f"{REMOVE} {number}", callback_data=encode_unfollow(follow.id))
        for number, follow in enumerate(follows, 1)
    ]
    rows = tuple(
        tuple(buttons[start : start + BUTTONS_PER_ROW])
        for start in range(0, len(buttons), BUTTONS_PER_ROW)
    )
    return FollowingList(follows, limit, rows)


def encode_unfollow(follow_id: int) -> str:
    """Return the callback data of the ✖ button that removes a follow."""
    return f"fx:{follow_id}"


def decode_unfollow(data: str | None) -> int | None:
    """Return the follow id of a ✖ button's data, or None for anything else or forged."""
    if not isinstance(data, str):
        return None
    match = _UNFOLLOW_DATA.fullmatch(data)
    if match is None:
        return None
    follow_id = int(match.group(1))
    return follow_id if follow_id < 2**63 else None
