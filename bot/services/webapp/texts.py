"""The Mini App's words, from the bot's gettext catalogs: the page asks for them once."""

from __future__ import annotations

from typing import Final

from bot.ops.i18n import N_, Texts

MENU_BUTTON: Final = N_("Reading list")
"""The chat's menu button that opens the Mini App."""
OPEN_READING_LIST: Final = N_("Open reading list")
"""The web-app button under `/bookmarks`."""

UI_TEXTS: Final[dict[str, str]] = {
    "title": N_("Reading list"),
    "search": N_("Search your bookmarks"),
    "empty": N_("You have no bookmarks yet. Press 🔖 Save under a story to keep it here."),
    "nothing": N_("None of your bookmarks match."),
    "loading": N_("Loading…"),
    "more": N_("More"),
    "remove": N_("Remove"),
    "removed": N_("Removed from your bookmarks"),
    "undo": N_("Undo"),
    "read": N_("Mark read"),
    "unread": N_("Mark unread"),
    "share": N_("Share"),
    "original": N_("Open the original"),
    "back": N_("Back"),
    "all_tags": N_("All tags"),
    "all_sources": N_("All sources"),
    "alerts": N_("Alerts"),
    "follow_placeholder": N_("Words, #tag or source:name"),
    "follow": N_("Follow"),
    "pause": N_("Pause"),
    "resume": N_("Resume"),
    "paused": N_("paused"),
    "no_follows": N_("You follow nothing yet."),
    "admin": N_("Admin"),
    "sources": N_("Sources"),
    "channels": N_("Channels"),
    "chart": N_("Articles and posts per day, last 30 days"),
    "articles": N_("articles"),
    "posts": N_("posts"),
    "per_hour": N_("posts per hour"),
    "last_error": N_("Last error"),
    "error": N_("Something went wrong. Please try again."),
    "expired": N_("This page has expired. Please reopen it from the chat."),
    "slow_down": N_("Too many requests. Please wait a moment."),
    "state_ok": N_("ok"),
    "state_new": N_("new"),
    "state_failing": N_("failing"),
    "state_paused": N_("paused"),
    "state_deactivated": N_("deactivated"),
    "follow_added": N_("Following it now."),
    "follow_duplicate": N_("You follow this already."),
    "follow_limit": N_("You follow as many searches as allowed."),
    "follow_invalid": N_("This cannot be followed: add a word, #tag or source:name."),
    "follow_unknown_source": N_("No source has that name."),
}
"""Key → English text; the page shows `texts[key]`."""


def ui_texts(language: Texts) -> dict[str, str]:
    """Return every text of the page in `language` (English where untranslated)."""
    return {key: language.gettext(text) for key, text in UI_TEXTS.items()}
