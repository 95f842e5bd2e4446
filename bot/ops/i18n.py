"""User-facing texts in gettext catalogs (`bot/ops/locales/<lang>/LC_MESSAGES/*.po`), per user.

English is the source language (the msgids); other languages are `.po` catalogs, one file
per feature, merged at load. A user's language comes from Telegram's `language_code`
(`ru`, `ru-RU` → Russian); anything without a catalog falls back to English.

    _ = texts(update).gettext
    await message.reply_text(_("Saved."))

Texts defined at module level are marked with `N_()` (found by the catalog check, left
untranslated) and translated where they are used: `_(SOME_TEXT)`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TypeVar

import polib

SOURCE_LANGUAGE: Final = "en"
LOCALES_DIR: Final = Path(__file__).with_name("locales")
T = TypeVar("T")


def N_(message: str) -> str:
    """Mark a text for translation without translating it (it is translated where used)."""
    return message


class CatalogError(ValueError):
    """A catalog is malformed or two catalogs translate one text differently."""


@dataclass(frozen=True)
class Texts:
    """The translations of one language; missing texts fall back to English."""

    language: str
    messages: dict[str, str] = field(default_factory=dict)
    plurals: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def gettext(self, message: str) -> str:
        """Return `message` in this language (English if it has no translation)."""
        return self.messages.get(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Return the form of `singular`/`plural` for the count `n` in this language."""
        forms = self.plurals.get(singular)
        if forms:
            index = plural_index(self.language, n)
            if index < len(forms) and forms[index]:
                return forms[index]
        return singular if n == 1 else plural


def plural_index(language: str, n: int) -> int:
    """Return the gettext plural form index of `n` (Russian has three, English two)."""
    if language == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return 0
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return 1
        return 2
    return 0 if n == 1 else 1


def language_of(language_code: str | None) -> str:
    """Map Telegram's `language_code` (`ru`, `ru-RU`, `pt-br`) to a supported language."""
    if not language_code:
        return SOURCE_LANGUAGE
    base = language_code.replace("_", "-").split("-", 1)[0].lower()
    return base if base in available_languages() else SOURCE_LANGUAGE


@functools.cache
def available_languages() -> frozenset[str]:
    """English plus every language with a catalog folder."""
    found = {path.parent.parent.name for path in LOCALES_DIR.glob("*/LC_MESSAGES/*.po")}
    return frozenset({SOURCE_LANGUAGE, *found})


@functools.cache
def texts_for(language_code: str | None) -> Texts:
    """Return the texts for a Telegram `language_code` (loaded once per language)."""
    language = language_of(language_code)
    if language == SOURCE_LANGUAGE:
        return Texts(SOURCE_LANGUAGE)
    return load_catalogs(language, sorted(LOCALES_DIR.glob(f"{language}/LC_MESSAGES/*.po")))


def load_catalogs(language: str, paths: list[Path]) -> Texts:
    """Merge `.po` files into one `Texts`; conflicting translations raise `CatalogError`."""
    messages: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for path in paths:
        try:
            catalog = polib.pofile(str(path), encoding="utf-8")
        except (OSError, ValueError) as exc:
            raise CatalogError(f"{path}: {exc}") from None
        for entry in catalog:
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            if entry.msgid_plural:
                forms = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
                _merge(plurals, entry.msgid, forms, path)
            elif entry.msgstr:
                _merge(messages, entry.msgid, entry.msgstr, path)
    return Texts(language, messages, plurals)


def _merge(table: dict[str, T], msgid: str, translation: T, path: Path) -> None:
    """Add one translation, refusing a different one for the same text."""
    known = table.setdefault(msgid, translation)
    if known != translation:
        raise CatalogError(f"{path}: {msgid!r} is translated differently in another catalog")
