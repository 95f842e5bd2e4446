"""User-facing texts in gettext catalogs (`bot/ops/locales/<lang>/LC_MESSAGES/*.po`), per user.

English is the source language (the msgids); other languages are `.po` catalogs, one file
per feature, merged at load. A user's language comes from Telegram's `language_code`
(`ru`, `ru-RU` → Russian); anything without a catalog falls back to English.

    _ = texts(update).gettext
    await message.reply_text(_("Saved."))

Texts defined at module level are marked with `N_()` (found by the catalog check, left
untranslated) and translated where they are used: `_(SOME_TEXT)`.

Which plural form a count takes is each catalog's own `Plural-Forms` header, compiled by the
standard library (`gettext.c2py`, what `gettext.GNUTranslations` uses for `.mo` files); no
language's rule is written here. English, the source language, uses gettext's default.
"""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Callable
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


_PLURAL_FORMS = re.compile(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*([^;]+?)\s*;?\s*")


@dataclass(frozen=True)
class PluralRule:
    """A `Plural-Forms` header: how many forms a language has and which one a count takes."""

    forms: int
    expression: str
    index: Callable[[int], int] = field(compare=False, repr=False)

    @classmethod
    def parse(cls, header: str) -> PluralRule:
        """Compile `nplurals=N; plural=EXPR;`; a malformed header raises `CatalogError`."""
        match = _PLURAL_FORMS.fullmatch(header)
        if match is None:
            raise CatalogError(f"malformed Plural-Forms header {header!r}")
        forms, expression = int(match[1]), match[2]
        if forms < 1:
            raise CatalogError(f"Plural-Forms {header!r} declares no forms")
        try:
            index = gettext.c2py(expression)
        except ValueError as exc:
            raise CatalogError(f"Plural-Forms {header!r}: {exc}") from None
        return cls(forms, " ".join(expression.split()), index)


SOURCE_PLURALS: Final = PluralRule.parse("nplurals=2; plural=(n != 1);")
"""English, and gettext's rule for a catalog without a header."""


@dataclass(frozen=True)
class Texts:
    """The translations of one language; missing texts fall back to English."""

    language: str
    messages: dict[str, str] = field(default_factory=dict)
    plurals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    plural_rule: PluralRule = SOURCE_PLURALS

    def gettext(self, message: str) -> str:
        """Return `message` in this language (English if it has no translation)."""
        return self.messages.get(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Return the form of `singular`/`plural` for the count `n` in this language."""
        forms = self.plurals.get(singular)
        if forms:
            index = self.plural_rule.index(n)
            if 0 <= index < len(forms) and forms[index]:
                return forms[index]
        return (singular, plural)[SOURCE_PLURALS.index(n)]


def plural_index(language: str, n: int) -> int:
    """Return the plural form index of `n` in `language`, by its catalogs' `Plural-Forms`."""
    return texts_for(language).plural_rule.index(n)


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
    rules: dict[PluralRule, Path] = {}
    for path in paths:
        try:
            catalog = polib.pofile(str(path), encoding="utf-8")
        except (OSError, ValueError) as exc:
            raise CatalogError(f"{path}: {exc}") from None
        rule = _plural_rule(catalog, path)
        for entry in catalog:
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            if entry.msgid_plural:
                forms = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
                if not any(forms):
                    continue
                if rule is None:
                    raise CatalogError(f"{path}: plural texts but no Plural-Forms header")
                if len(forms) != rule.forms:
                    raise CatalogError(
                        f"{path}: {entry.msgid!r} has {len(forms)} forms, "
                        f"Plural-Forms says {rule.forms}"
                    )
                _merge(plurals, entry.msgid, forms, path)
            elif entry.msgstr:
                _merge(messages, entry.msgid, entry.msgstr, path)
        if rule is not None:
            rules.setdefault(rule, path)
    if len(rules) > 1:
        first, second, *_ = rules.values()
        raise CatalogError(f"{first} and {second} declare different Plural-Forms for {language}")
    return Texts(language, messages, plurals, next(iter(rules), SOURCE_PLURALS))


def _plural_rule(catalog: polib.POFile, path: Path) -> PluralRule | None:
    """Return the catalog's `Plural-Forms` rule (None when it has no such header)."""
    header = catalog.metadata.get("Plural-Forms")
    if not header:
        return None
    try:
        return PluralRule.parse(header)
    except CatalogError as exc:
        raise CatalogError(f"{path}: {exc}") from None


def _merge(table: dict[str, T], msgid: str, translation: T, path: Path) -> None:
    """Add one translation, refusing a different one for the same text."""
    known = table.setdefault(msgid, translation)
    if known != translation:
        raise CatalogError(f"{path}: {msgid!r} is translated differently in another catalog")
