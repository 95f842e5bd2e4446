"""Translations: the catalogs cover every marked text, and users get their language.

The catalog check scans `bot/` and `handlers/` for `_("…")`, `N_("…")`, `gettext("…")` and
`ngettext("…", "…", n)` called with literal texts, and holds every Russian catalog to them:
each text translated (plural texts in all three forms), no entry left unused, the same
`{name}` fields in the translation as in the English, and the catalogs merging cleanly.
"""

from __future__ import annotations

import ast
import string
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polib
import pytest

from bot.ops.i18n import (
    LOCALES_DIR,
    SOURCE_PLURALS,
    CatalogError,
    PluralRule,
    Texts,
    available_languages,
    language_of,
    load_catalogs,
    plural_index,
    texts_for,
)
from bot.services.saving.forwards import SaveOutcome, SaveResult
from bot.services.saving.links import HTTP_STATUS
from handlers.commands import COMMANDS, HELP_LINES, help_text, set_bot_commands
from handlers.forwards import describe_outcome
from storage import Database, open_database
from tests.handlers.conftest import reader_bot

ROOT = Path(__file__).resolve().parents[3]
SCANNED_PACKAGES = ("bot", "handlers")
TEXT_FUNCTIONS = frozenset({"_", "N_", "gettext"})
PLURAL_FUNCTIONS = frozenset({"ngettext"})
RUSSIAN_FORMS = 3


@dataclass
class MarkedTexts:
    """The texts the code marks for translation, and the calls that cannot be checked."""

    singular: set[str] = field(default_factory=set)
    plural: set[tuple[str, str]] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def _called_name(call: ast.Call) -> str | None:
    """Return `f` for `f(...)` and `obj.f(...)`."""
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _literal(node: ast.expr) -> str | None:
    """Return the text of a string literal (implicit concatenation included), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def scan_source(source: str, where: str, found: MarkedTexts) -> None:
    """Add the marked texts of one module's source to `found`."""
    for node in ast.walk(ast.parse(source, filename=where)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = _called_name(node)
        place = f"{where}:{node.lineno}"
        if isinstance(node.args[0], ast.JoinedStr) and name in TEXT_FUNCTIONS | PLURAL_FUNCTIONS:
            found.problems.append(f"{place}: an f-string cannot be translated; use .format()")
        if name in TEXT_FUNCTIONS:
            text = _literal(node.args[0])
            if text is not None:
                found.singular.add(text)
        elif name in PLURAL_FUNCTIONS and len(node.args) >= 2:
            singular, plural = _literal(node.args[0]), _literal(node.args[1])
            if singular is not None and plural is not None:
                found.plural.add((singular, plural))
            elif (singular is None) != (plural is None):
                found.problems.append(f"{place}: singular and plural must both be literals")


def scan_packages(root: Path = ROOT) -> MarkedTexts:
    """Return the marked texts of every module in the scanned packages."""
    found = MarkedTexts()
    for package in SCANNED_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            scan_source(path.read_text(encoding="utf-8"), str(path.relative_to(root)), found)
    return found


def russian_catalogs() -> list[Path]:
    """Return every Russian catalog file."""
    return sorted(LOCALES_DIR.glob("ru/LC_MESSAGES/*.po"))


def catalog_entries() -> Iterator[tuple[Path, polib.POEntry]]:
    """Yield every live entry of every Russian catalog with its file."""
    for path in russian_catalogs():
        for entry in polib.pofile(str(path), encoding="utf-8"):
            if not entry.obsolete:
                yield path, entry


def fields_of(text: str) -> set[str]:
    """Return the `.format` field names used in a text."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.fixture(scope="module")
def marked() -> MarkedTexts:
    return scan_packages()


# --- the catalog check -------------------------------------------------------------------


def test_the_scanner_finds_every_kind_of_marked_text():
    found = MarkedTexts()
    source = (
        "A = N_('one')\n"
        "def f(update, n):\n"
        "    _ = texts(update).gettext\n"
        "    _('two' ' joined')\n"
        "    texts(update).gettext('three')\n"
        "    texts(update).ngettext('{n} cat', '{n} cats', n).format(n=n)\n"
        "    _(A)\n"
        "    _(f'{n} broken')\n"
    )
    scan_source(source, "sample.py", found)
    assert found.singular == {"one", "two joined", "three"}
    assert found.plural == {("{n} cat", "{n} cats")}
    assert found.problems == ["sample.py:8: an f-string cannot be translated; use .format()"]


def test_the_code_marks_texts_and_no_call_is_unscannable(marked):
    assert "Untitled" in marked.singular  # a known marked text: the scan reaches the code
    assert ("Your {count} bookmark, to read", "Your {count} bookmarks, to read") in marked.plural
    assert marked.problems == []


def test_there_are_russian_catalogs_and_they_load_without_conflicts():
    paths = russian_catalogs()
    assert any(path.name == "core.po" for path in paths)
    assert "ru" in available_languages()
    language = load_catalogs("ru", paths)
    assert language.messages
    assert language.plurals


def test_every_russian_catalog_declares_russian_and_three_plural_forms():
    for path in russian_catalogs():
        metadata = polib.pofile(str(path), encoding="utf-8").metadata
        assert metadata.get("Language") == "ru", path
        assert "nplurals=3;" in metadata.get("Plural-Forms", ""), path


def test_every_marked_text_has_a_russian_translation(marked):
    russian = load_catalogs("ru", russian_catalogs())
    missing = sorted(text for text in marked.singular if not russian.messages.get(text))
    assert missing == []


def test_every_plural_text_has_all_russian_forms(marked):
    russian = load_catalogs("ru", russian_catalogs())
    incomplete = sorted(
        singular
        for singular, _ in marked.plural
        if len(russian.plurals.get(singular, ())) != RUSSIAN_FORMS
        or not all(russian.plurals[singular])
    )
    assert incomplete == []


def test_no_catalog_entry_is_unused_or_untranslated(marked):
    unused, empty = [], []
    for path, entry in catalog_entries():
        if entry.msgid_plural:
            if (entry.msgid, entry.msgid_plural) not in marked.plural:
                unused.append(f"{path.name}: {entry.msgid!r} / {entry.msgid_plural!r}")
            if "fuzzy" in entry.flags or not all(entry.msgstr_plural.values()):
                empty.append(f"{path.name}: {entry.msgid!r}")
        else:
            if entry.msgid not in marked.singular:
                unused.append(f"{path.name}: {entry.msgid!r}")
            if "fuzzy" in entry.flags or not entry.msgstr:
                empty.append(f"{path.name}: {entry.msgid!r}")
    assert unused == []
    assert empty == []


def test_translations_keep_the_format_fields():
    wrong: list[str] = []
    for path, entry in catalog_entries():
        if entry.msgid_plural:
            expected = fields_of(entry.msgid) | fields_of(entry.msgid_plural)
            translations = list(entry.msgstr_plural.values())
        else:
            expected = fields_of(entry.msgid)
            translations = [entry.msgstr]
        wrong.extend(
            f"{path.name}: {entry.msgid!r} -> {text!r}"
            for text in translations
            if fields_of(text) != expected
        )
    assert wrong == []


# --- the i18n core -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("ru", "ru"),
        ("ru-RU", "ru"),
        ("RU", "ru"),
        ("ru_UA", "ru"),
        ("en", "en"),
        ("en-GB", "en"),
        ("de", "en"),
        ("pt-br", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_language_of_maps_telegram_codes(code, language):
    assert language_of(code) == language


@pytest.mark.parametrize(
    ("n", "form"),
    [
        *[(0, 2), (1, 0), (2, 1), (4, 1), (5, 2), (11, 2), (12, 2), (14, 2)],
        *[(21, 0), (22, 1), (25, 2), (101, 0), (111, 2), (112, 2), (1004, 1)],
    ],
)
def test_russian_plural_index(n, form):
    assert plural_index("ru", n) == form


def test_english_plural_index():
    assert [plural_index("en", n) for n in (0, 1, 2, 21)] == [1, 0, 1, 1]


def test_ngettext_picks_the_russian_form_and_falls_back_to_english():
    russian = Texts(
        "ru",
        plurals={"{n} cat": ("{n} кошка", "{n} кошки", "{n} кошек")},
        plural_rule=texts_for("ru").plural_rule,
    )
    assert [russian.ngettext("{n} cat", "{n} cats", n) for n in (1, 3, 5, 21)] == [
        "{n} кошка",
        "{n} кошки",
        "{n} кошек",
        "{n} кошка",
    ]
    assert russian.ngettext("{n} dog", "{n} dogs", 3) == "{n} dogs"
    assert russian.ngettext("{n} dog", "{n} dogs", 1) == "{n} dog"
    assert russian.gettext("Unknown text") == "Unknown text"


def test_the_real_russian_texts_are_used_by_language_code():
    russian = texts_for("ru-RU")
    assert russian.gettext("Untitled") == "Без заголовка"
    captions = [
        russian.ngettext(
            "Your {count} bookmark, to read", "Your {count} bookmarks, to read", n
        ).format(count=n)
        for n in (1, 3, 11)
    ]
    assert captions == [
        "1 закладка — для чтения",
        "3 закладки — для чтения",
        "11 закладок — для чтения",
    ]
    assert texts_for("de").gettext("Untitled") == "Untitled"


PO_HEADER = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: ru\\n"\n\n'
)


def write_po(path: Path, body: str) -> Path:
    path.write_text(PO_HEADER + body, encoding="utf-8")
    return path


def test_two_catalogs_translating_one_text_differently_conflict(tmp_path):
    first = write_po(tmp_path / "a.po", 'msgid "Saved."\nmsgstr "Сохранено."\n')
    same = write_po(tmp_path / "b.po", 'msgid "Saved."\nmsgstr "Сохранено."\n')
    other = write_po(tmp_path / "c.po", 'msgid "Saved."\nmsgstr "Готово."\n')
    assert load_catalogs("ru", [first, same]).gettext("Saved.") == "Сохранено."
    with pytest.raises(CatalogError, match="translated differently"):
        load_catalogs("ru", [first, other])


def test_fuzzy_and_empty_entries_are_not_used(tmp_path):
    path = write_po(
        tmp_path / "a.po",
        '#, fuzzy\nmsgid "Saved."\nmsgstr "Наверное."\n\nmsgid "Removed."\nmsgstr ""\n',
    )
    language = load_catalogs("ru", [path])
    assert language.gettext("Saved.") == "Saved."
    assert language.gettext("Removed.") == "Removed."


def test_a_broken_catalog_is_a_catalog_error(tmp_path):
    path = tmp_path / "broken.po"
    path.write_text('msgid "Saved."\nmsgstr "Сохранено."\nnot a po line\n', encoding="utf-8")
    with pytest.raises(CatalogError, match=r"broken\.po"):
        load_catalogs("ru", [path])


def plural_catalog(path: Path, plural_forms: str | None, entries: str) -> Path:
    header = f'"Plural-Forms: {plural_forms}\\n"\n' if plural_forms else ""
    path.write_text(PO_HEADER.rstrip("\n") + "\n" + header + "\n" + entries, encoding="utf-8")
    return path


CAT_TWO_FORMS = (
    'msgid "{n} cat"\nmsgid_plural "{n} cats"\nmsgstr[0] "{n} chat"\nmsgstr[1] "{n} chats"\n'
)
CAT_ONE_FORM = 'msgid "{n} cat"\nmsgid_plural "{n} cats"\nmsgstr[0] "{n} 猫"\n'


def test_the_russian_rule_comes_from_the_catalog_header():
    rule = texts_for("ru").plural_rule
    assert rule.forms == 3
    assert rule == PluralRule.parse(
        polib.pofile(str(russian_catalogs()[0]), encoding="utf-8").metadata["Plural-Forms"]
    )
    assert rule != SOURCE_PLURALS


def test_plural_forms_follow_a_different_header(tmp_path):
    # French: 0 and 1 take the singular, unlike English and Russian.
    french = load_catalogs(
        "fr", [plural_catalog(tmp_path / "fr.po", "nplurals=2; plural=(n > 1);", CAT_TWO_FORMS)]
    )
    assert [french.ngettext("{n} cat", "{n} cats", n) for n in (0, 1, 2)] == [
        "{n} chat",
        "{n} chat",
        "{n} chats",
    ]
    # One form for every count (Japanese).
    japanese = load_catalogs(
        "ja", [plural_catalog(tmp_path / "ja.po", "nplurals=1; plural=0;", CAT_ONE_FORM)]
    )
    assert {japanese.ngettext("{n} cat", "{n} cats", n) for n in (0, 1, 2, 21)} == {"{n} 猫"}


def test_a_plural_rule_index_outside_the_forms_falls_back_to_english(tmp_path):
    odd = load_catalogs(
        "xx",
        [
            plural_catalog(
                tmp_path / "xx.po", "nplurals=2; plural=(n == 7 ? 5 : 0);", CAT_TWO_FORMS
            )
        ],
    )
    assert odd.ngettext("{n} cat", "{n} cats", 1) == "{n} chat"
    assert odd.ngettext("{n} cat", "{n} cats", 7) == "{n} cats"


def test_catalogs_without_plural_texts_need_no_header(tmp_path):
    plain = write_po(tmp_path / "a.po", 'msgid "Saved."\nmsgstr "Сохранено."\n')
    assert load_catalogs("ru", [plain]).plural_rule == SOURCE_PLURALS


@pytest.mark.parametrize(
    ("plural_forms", "entries", "problem"),
    [
        (None, CAT_TWO_FORMS, "no Plural-Forms header"),
        ("nplurals=2; plural=n ** 2;", CAT_TWO_FORMS, "unexpected token"),
        ("nplurals=2; plural=__import__('os');", CAT_TWO_FORMS, "invalid token"),
        ("plural=(n != 1);", CAT_TWO_FORMS, "malformed Plural-Forms"),
        ("nplurals=0; plural=0;", CAT_TWO_FORMS, "declares no forms"),
        ("nplurals=3; plural=(n > 1);", CAT_TWO_FORMS, "has 2 forms, Plural-Forms says 3"),
    ],
)
def test_a_bad_plural_header_is_a_catalog_error(tmp_path, plural_forms, entries, problem):
    path = plural_catalog(tmp_path / "bad.po", plural_forms, entries)
    with pytest.raises(CatalogError, match=problem):
        load_catalogs("fr", [path])


def test_catalogs_of_one_language_must_agree_on_plural_forms(tmp_path):
    first = plural_catalog(tmp_path / "a.po", "nplurals=2; plural=(n > 1);", CAT_TWO_FORMS)
    same = plural_catalog(tmp_path / "b.po", "nplurals=2;  plural=(n  >  1);", "")
    other = plural_catalog(tmp_path / "c.po", "nplurals=2; plural=(n != 1);", "")
    assert load_catalogs("fr", [first, same]).plural_rule.forms == 2
    with pytest.raises(CatalogError, match="different Plural-Forms"):
        load_catalogs("fr", [first, other])


def test_help_is_translated_line_by_line():
    english = help_text("newsbot")
    russian = help_text("newsbot", texts_for("ru"))
    assert english.count("\n") == russian.count("\n") == len(HELP_LINES) - 1
    for english_line, russian_line in zip(english.splitlines(), russian.splitlines(), strict=True):
        assert english_line == russian_line == "" or english_line != russian_line
    assert "@newsbot" in russian


# --- end to end on the emulator ----------------------------------------------------------


@pytest.fixture
async def db() -> AsyncIterator[Database]:
    database = await open_database(":memory:")
    try:
        yield database
    finally:
        await database.close()


async def test_help_and_start_come_in_the_users_language(bot_app, db):
    async with reader_bot(bot_app, db) as harness:
        users = [
            await harness.new_user(name, language_code=code)
            for name, code in (("Olga", "ru"), ("Gwen", "en-GB"), ("Dora", "de"), ("Nil", None))
        ]
        for user in users:
            await user.send("/help")
            await user.send("/start")
        replies = [await harness.wait_for_messages(user.id, 2) for user in users]
        username = harness.bot.username

    english_help = help_text(username)
    russian_help = help_text(username, texts_for("ru"))
    (olga_help, olga_start), *others = replies
    assert olga_help.text == russian_help
    assert olga_help.text.startswith(f"Поиск из любого чата: наберите @{username}")
    assert olga_start.text.startswith("Здравствуйте!")
    assert olga_start.text.endswith(russian_help)
    for help_reply, start_reply in others:
        assert help_reply.text == english_help
        assert start_reply.text.startswith("Hello! I post news")


async def test_a_russian_user_gets_russian_replies(bot_app, db):
    async with reader_bot(bot_app, db) as harness:
        olga = await harness.new_user("Olga", language_code="ru")
        await olga.send("/search")
        await olga.send("/export")
        await olga.send("/bookmarks")
        await olga.send("/search harbour")
        usage, nothing, bookmarks, found = await harness.wait_for_messages(olga.id, 4)

    assert usage.text.startswith("Использование: /search СЛОВА")
    assert nothing.text == "Экспортировать пока нечего: закладок нет."
    assert bookmarks.text.startswith("У вас пока нет закладок.")
    assert found.text == "По запросу harbour ничего не найдено."


async def test_the_russian_command_menu_is_set(bot_app, emulator, db):
    async with reader_bot(bot_app, db) as harness:
        assert await set_bot_commands(harness.bot)
        info = await emulator.client.bot_info()

    by_language = {key.rsplit("|", 1)[1]: commands for key, commands in info["commands"].items()}
    russian = texts_for("ru")
    assert by_language["ru"] == [
        {"command": name, "description": russian.gettext(description)}
        for name, description in COMMANDS
    ]
    assert by_language[""] == [
        {"command": name, "description": description} for name, description in COMMANDS
    ]
    assert by_language["ru"] != by_language[""]


async def test_the_inline_no_results_button_is_in_the_users_language(bot_app, db):
    async with reader_bot(bot_app, db) as harness:
        olga = await harness.new_user("Olga", language_code="ru")
        gwen = await harness.new_user("Gwen", language_code="en-GB")
        russian = await olga.inline("nothing here")
        english = await gwen.inline("nothing here")
        russian_saved = await olga.inline("saved nothing")

    assert russian.button is not None
    assert english.button is not None
    assert russian_saved.button is not None
    assert russian.button["text"] == "Ничего не найдено. Нажмите, чтобы узнать, как искать"
    assert english.button["text"] == "Nothing matched. Tap for search tips"
    assert russian_saved.button["text"] == (
        "В закладках ничего нет. Нажмите, чтобы узнать, как сохранять"
    )


def test_a_failed_save_explains_its_reason_in_the_users_language():
    failed = SaveOutcome(SaveResult.FAILED, reason=HTTP_STATUS, reason_fields={"status": 404})
    assert describe_outcome(failed, texts_for("ru")) == (
        "Не удалось сохранить ссылку: страница ответила ошибкой (HTTP 404)."
    )
    assert describe_outcome(failed, texts_for(None)) == (
        "I couldn't save that link: the page answered with an error (HTTP 404)."
    )
    unknown = SaveOutcome(SaveResult.UNKNOWN)
    assert describe_outcome(unknown, texts_for("ru")).startswith("Я могу сохранить только")
