"""Telegram's HTML parse mode: markup in, plain text and entities (UTF-16 offsets) out.

The parser follows Telegram's own (tdlib `parse_html`) byte by byte, so its error
texts and byte offsets are the ones Telegram reports. Supported tags: b/strong, i/em,
u/ins, s/strike/del, tg-spoiler, span class="tg-spoiler", a href, tg-emoji emoji-id,
code, pre, pre>code class="language-x", blockquote (expandable). Entities: &lt; &gt;
&amp; &quot; and numeric ones (&#NN; &#xNN;).

One deliberate difference: Telegram keeps an `&` that does not start a supported entity
as a literal character, although its documentation requires escaping it. This parser
rejects it (`Unsupported HTML entity ...`), so that text our renderer forgot to escape
fails in tests instead of showing up on Telegram as `&nbsp;` or worse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from emulator.entities import FormattedText, MessageEntity, sort_entities
from emulator.links import LinkError, link_user_id, normalize_link

SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_ENTITIES = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
_SPECIAL = re.compile(rb"[<&]")
_PLAIN_START_TAG = re.compile(rb'<([a-z][a-z0-9-]*)(?: href="([^"&]*)")?>')
"""A lower-case start tag with no attribute, or `a` with a double-quoted href free of
entities: the shapes almost all markup uses, taken without the byte-by-byte parser."""
_SPACES = b" \t\r\n\v\x00"
_LT, _GT, _AMP, _SLASH, _EQ, _SEMI = 0x3C, 0x3E, 0x26, 0x2F, 0x3D, 0x3B


class EntityParseError(ValueError):
    """Markup Telegram would refuse; the message is Telegram's (after `can't parse entities: `)."""


def parse_html(markup: str) -> FormattedText:
    """Parse Telegram HTML into plain text and sorted entities, or raise EntityParseError."""
    return _HtmlParser(markup.encode("utf-8", errors="surrogatepass")).parse()


@dataclass(slots=True)
class _OpenTag:
    """A start tag waiting for its end tag."""

    name: str
    argument: str
    utf16_offset: int
    byte_offset: int


def _is_space(byte: int) -> bool:
    """Tell whether a byte is whitespace in tdlib's sense (NUL included: end of text)."""
    return byte in _SPACES


def _is_alnum(byte: int) -> bool:
    """Tell whether a byte is an ASCII letter or digit."""
    return 0x30 <= byte <= 0x39 or 0x41 <= byte <= 0x5A or 0x61 <= byte <= 0x7A


def _utf16_units(chunk: bytes) -> int:
    """Count the UTF-16 code units of a UTF-8 chunk."""
    if chunk.isascii():
        return len(chunk)
    text = chunk.decode("utf-8", errors="surrogatepass")
    return len(text.encode("utf-16-le", errors="surrogatepass")) // 2


class _HtmlParser:
    """One pass over the UTF-8 bytes of the markup."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.size = len(data)
        self.out = bytearray()
        self.utf16 = 0
        self.open_tags: list[_OpenTag] = []
        self.entities: list[MessageEntity] = []

    def at(self, index: int) -> int:
        """Return the byte at `index`, or 0 past the end (tdlib reads a C string)."""
        return self.data[index] if index < self.size else 0

    def parse(self) -> FormattedText:
        """Run the parser over the whole markup."""
        index = 0
        while index < self.size:
            match = _SPECIAL.search(self.data, index)
            stop = match.start() if match else self.size
            if stop > index:
                chunk = self.data[index:stop]
                self.out += chunk
                self.utf16 += _utf16_units(chunk)
                index = stop
                continue
            index = self._entity(index) if self.data[index] == _AMP else self._tag(index)
        if self.open_tags:
            name = self.open_tags[-1].name
            raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{name}"')
        return FormattedText(self._decoded_text(), self._finished_entities())

    def _decoded_text(self) -> str:
        """Decode the output, refusing lone surrogates as Telegram does."""
        try:
            return self.out.decode("utf-8")
        except UnicodeDecodeError:
            raise EntityParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            ) from None

    def _finished_entities(self) -> tuple[MessageEntity, ...]:
        """Drop the language of plain `code` entities and sort."""
        finished = [
            MessageEntity(
                e.type,
                e.offset,
                e.length,
                url=e.url,
                user_id=e.user_id,
                language=e.language if e.type == "pre" else None,
                custom_emoji_id=e.custom_emoji_id,
            )
            for e in self.entities
        ]
        return sort_entities(finished)

    def _decode_entity(self, index: int) -> tuple[str | None, int]:
        """Decode the entity at `index`: (character or None, index after it)."""
        end = index + 1
        code_point = 0
        if self.at(end) == ord("#"):
            end += 1
            hexadecimal = self.at(end) == ord("x")
            if hexadecimal:
                end += 1
            digits_start = end
            digits = b"0123456789abcdefABCDEF" if hexadecimal else b"0123456789"
            while self.at(end) and self.at(end) in digits:
                end += 1
            if end > digits_start:
                code_point = int(self.data[digits_start:end], 16 if hexadecimal else 10)
            valid = 0 < code_point < 0x10FFFF and end - index < 10
            character = chr(code_point) if valid else None
        else:
            while 0x41 <= self.at(end) <= 0x5A or 0x61 <= self.at(end) <= 0x7A:
                end += 1
            character = _NAMED_ENTITIES.get(self.data[index + 1 : end])
        if self.at(end) == _SEMI:
            end += 1
        return character, end

    def _entity(self, index: int) -> int:
        """Append the character of the entity at `index`; refuse unsupported ones."""
        character, end = self._decode_entity(index)
        if character is None:
            shown = self.data[index:end].decode("utf-8", errors="replace")
            raise EntityParseError(f'Unsupported HTML entity "{shown}" at byte offset {index}')
        self.out += character.encode("utf-8", errors="surrogatepass")
        self.utf16 += 2 if ord(character) > 0xFFFF else 1
        return end

    def _skip_spaces(self, index: int) -> int:
        """Skip real whitespace (not the end of the text)."""
        while index < self.size and _is_space(self.data[index]):
            index += 1
        return index

    def _tag(self, begin: int) -> int:
        """Handle a start or end tag at `begin`; return the index after it."""
        if self.at(begin + 1) == _SLASH:
            return self._end_tag(begin)
        return self._start_tag(begin)

    def _start_tag(self, begin: int) -> int:
        """Parse `<name attr=value ...>` and open an entity."""
        fast = self._plain_start_tag(begin)
        if fast is not None:
            return fast
        index = begin + 1
        while not _is_space(self.at(index)) and self.at(index) != _GT:
            index += 1
        if index >= self.size:
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        name = self.data[begin + 1 : index].lower().decode("utf-8", errors="replace")
        if name not in SUPPORTED_TAGS:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {begin}')
        argument = ""
        while self.at(index) != _GT:
            index = self._skip_spaces(index)
            if self.at(index) == _GT:
                break
            attribute_start = index
            while (
                not _is_space(self.at(index)) and self.at(index) != _EQ and self.at(index) != _GT
            ):
                index += 1
            attribute = self.data[attribute_start:index].decode("utf-8", errors="replace")
            if not attribute:
                raise EntityParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset {begin}'
                )
            index = self._skip_spaces(index)
            if self.at(index) != _EQ:
                if name == "blockquote" and attribute == "expandable":
                    argument = "expandable"
                    continue
                raise EntityParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {begin}'
                )
            index = self._skip_spaces(index + 1)
            if index >= self.size:
                raise EntityParseError(f'Unclosed start tag "{name}" at byte offset {begin}')
            value, index = self._attribute_value(index)
            if index >= self.size:
                raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
            argument = _tag_argument(name, attribute, value, argument)
        if name == "span" and argument != "spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {begin}'
            )
        self.open_tags.append(_OpenTag(name, argument, self.utf16, len(self.out)))
        return index + 1

    def _plain_start_tag(self, begin: int) -> int | None:
        """Open the commonest well-formed tags (`<b>`, `<a href="...">` without entities) in
        one regular-expression match; None sends anything else through the full parser,
        which gives the same result for these and Telegram's errors for the rest."""
        match = _PLAIN_START_TAG.match(self.data, begin)
        if match is None:
            return None
        name = match.group(1).decode("ascii")
        if name not in SUPPORTED_TAGS or name == "span":
            return None
        href = match.group(2)
        if href is not None and name != "a":
            return None
        argument = (
            "" if href is None else _tag_argument("a", "href", href.decode("utf-8", "replace"), "")
        )
        self.open_tags.append(_OpenTag(name, argument, self.utf16, len(self.out)))
        return match.end()

    def _attribute_value(self, index: int) -> tuple[str, int]:
        """Read a quoted string or a name token; entities in strings are decoded leniently."""
        quote = self.at(index)
        if quote not in (ord('"'), ord("'")):
            token_start = index
            while _is_alnum(self.at(index)) or self.at(index) in (ord("."), ord("-")):
                index += 1
            if not _is_space(self.at(index)) and self.at(index) != _GT:
                raise EntityParseError(
                    f"Unexpected end of name token at byte offset {token_start}"
                )
            return self.data[token_start:index].lower().decode("ascii"), index
        index += 1
        value = bytearray()
        while index < self.size and self.data[index] != quote:
            if self.data[index] == _AMP:
                character, end = self._decode_entity(index)
                if character is not None:
                    value += character.encode("utf-8", errors="surrogatepass")
                    index = end
                    continue
            value.append(self.data[index])
            index += 1
        if self.at(index) == quote:
            index += 1
        return value.decode("utf-8", errors="replace"), index

    def _end_tag(self, begin: int) -> int:
        """Parse `</name>` and close the innermost open entity."""
        if not self.open_tags:
            raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
        index = begin + 2
        while not _is_space(self.at(index)) and self.at(index) != _GT:
            index += 1
        end_name = self.data[begin + 2 : index].decode("utf-8", errors="replace")
        index = self._skip_spaces(index)
        if self.at(index) != _GT:
            raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
        tag = self.open_tags.pop()
        if end_name and end_name != tag.name:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{tag.name}>", '
                f'found "</{end_name}>"'
            )
        if self.utf16 > tag.utf16_offset:
            self._close_entity(tag)
        return index + 1

    def _close_entity(self, tag: _OpenTag) -> None:
        """Turn a closed, non-empty tag into an entity."""
        offset, length = tag.utf16_offset, self.utf16 - tag.utf16_offset
        if tag.name in _SIMPLE_TAG_TYPES:
            self.entities.append(MessageEntity(_SIMPLE_TAG_TYPES[tag.name], offset, length))
        elif tag.name == "tg-emoji":
            if not tag.argument.isdigit() or int(tag.argument) == 0:
                raise EntityParseError("Invalid custom emoji identifier specified")
            self.entities.append(
                MessageEntity("custom_emoji", offset, length, custom_emoji_id=tag.argument)
            )
        elif tag.name == "a":
            self._close_link(tag, offset, length)
        elif tag.name == "pre":
            self._close_pre(offset, length)
        elif tag.name == "code":
            self._close_code(tag, offset, length)
        else:
            kind = "expandable_blockquote" if tag.argument == "expandable" else "blockquote"
            self.entities.append(MessageEntity(kind, offset, length))

    def _close_link(self, tag: _OpenTag, offset: int, length: int) -> None:
        """Add a text_mention or text_link; a link Telegram refuses adds nothing."""
        url = tag.argument or self.out[tag.byte_offset :].decode("utf-8", errors="replace")
        user_id = link_user_id(url)
        if user_id is not None:
            self.entities.append(MessageEntity("text_mention", offset, length, user_id=user_id))
            return
        try:
            normalized = normalize_link(url)
        except LinkError:
            return
        self.entities.append(MessageEntity("text_link", offset, length, url=normalized))

    def _close_pre(self, offset: int, length: int) -> None:
        """`<pre><code class="language-x">` becomes one pre entity with a language."""
        last = self.entities[-1] if self.entities else None
        if (
            last is not None
            and last.type == "code"
            and (last.offset, last.length) == (offset, length)
            and last.language
        ):
            self.entities[-1] = MessageEntity("pre", offset, length, language=last.language)
        else:
            self.entities.append(MessageEntity("pre", offset, length))

    def _close_code(self, tag: _OpenTag, offset: int, length: int) -> None:
        """A code inside a pre of the same span gives the pre its language."""
        last = self.entities[-1] if self.entities else None
        if (
            last is not None
            and last.type == "pre"
            and (last.offset, last.length) == (offset, length)
            and tag.argument
        ):
            self.entities[-1] = MessageEntity("pre", offset, length, language=tag.argument)
        else:
            self.entities.append(
                MessageEntity("code", offset, length, language=tag.argument or None)
            )


def _tag_argument(tag: str, attribute: str, value: str, current: str) -> str:
    """Return the tag argument an attribute sets (href, language, spoiler class, emoji id)."""
    if tag == "a" and attribute == "href":
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and attribute == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and attribute == "emoji-id":
        return value
    if tag == "blockquote" and attribute == "expandable":
        return "expandable"
    return current
