"""Images and media metadata of a feed item: Media RSS, enclosures, iTunes and `<image>`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from lxml import etree

from news.parse.fields import EntryFields, ImageRank
from news.parse.links import looks_like_image_url
from news.parse.markup import element_text, literal_text, plain_text
from news.parse.namespaces import ITUNES, MEDIA, clark

Handler = Callable[[EntryFields, etree._Element], None]


def is_image(element: etree._Element, url: str) -> bool:
    """True when a media element or enclosure points at an image (by medium, type or path)."""
    medium = element.get("medium")
    if medium:
        return medium.lower() == "image"
    mime = element.get("type")
    if mime:
        return mime.lower().startswith("image/")
    return looks_like_image_url(url)


def read_media_content(fields: EntryFields, element: etree._Element) -> None:
    """`<media:content>`: an image candidate; its nested thumbnail/title/description too.

    Each one outside a `<media:group>` is one image of the item's gallery.
    """
    url = element.get("url")
    if url and is_image(element, url):
        fields.offer_image(url, ImageRank.MEDIA_CONTENT, element.get("width"))
        if not _in_group(element):
            fields.add_gallery_image(url)
    if len(element):
        read_media_group(fields, element)


def read_media_thumbnail(fields: EntryFields, element: etree._Element) -> None:
    """`<media:thumbnail>`: an image candidate ranked below a full-size media:content."""
    fields.offer_image(element.get("url"), ImageRank.MEDIA_THUMBNAIL, element.get("width"))


def read_media_group(fields: EntryFields, element: etree._Element) -> None:
    """`<media:group>`: apply the media handlers to its children; the group's contents are
    versions of one thing, so its widest image alone joins the gallery."""
    if _is_media(element, "group"):
        widest = _widest_image(element)
        if widest is not None:
            fields.add_gallery_image(widest)
    for child in element:
        tag = child.tag
        if isinstance(tag, str):
            handler = MEDIA_HANDLERS.get(tag)
            if handler is not None:
                handler(fields, child)


def _is_media(element: etree._Element, local: str) -> bool:
    """True when the element is Media RSS's `<media:LOCAL>`."""
    return any(element.tag == clark(namespace, local) for namespace in MEDIA)


def _in_group(element: etree._Element) -> bool:
    """True when a `<media:content>` sits in a `<media:group>`."""
    parent = element.getparent()
    return parent is not None and _is_media(parent, "group")


def _widest_image(group: etree._Element) -> str | None:
    """The URL of a group's widest image `<media:content>` (the first on a tie)."""
    best: tuple[int, str] | None = None
    for child in group:
        url = child.get("url")
        if not (_is_media(child, "content") and url and is_image(child, url)):
            continue
        width = child.get("width") or ""
        pixels = int(width) if width.isdigit() else 0
        if best is None or pixels > best[0]:
            best = (pixels, url)
    return None if best is None else best[1]


def read_media_title(fields: EntryFields, element: etree._Element) -> None:
    """`<media:title>`: a title for items that have no other (`type="html"` or plain)."""
    if fields.fallback_title is None:
        text = element_text(element)
        html = (element.get("type") or "").lower() == "html"
        fields.fallback_title = plain_text(text, markup=True) if html else literal_text(text)


def read_media_category(fields: EntryFields, element: etree._Element) -> None:
    """`<media:category>`: a category; its `label` when it has one, else its text."""
    fields.add_category(element.get("label") or plain_text(element_text(element)))


def read_media_description(fields: EntryFields, element: etree._Element) -> None:
    """`<media:description>`: plain text used as the summary when the item has none."""
    if fields.media_description is None:
        fields.media_description = element_text(element)


def read_enclosure(fields: EntryFields, element: etree._Element) -> None:
    """`<enclosure>` (RSS) or `<link rel="enclosure">` (Atom) pointing at an image."""
    url = element.get("url") or element.get("href")
    if url and is_image(element, url):
        fields.offer_image(url, ImageRank.ENCLOSURE, element.get("width"))
        fields.add_gallery_image(url)


def read_itunes_image(fields: EntryFields, element: etree._Element) -> None:
    """`<itunes:image href>`: an episode image (some podcasts write the URL as text)."""
    fields.offer_image(element.get("href") or element_text(element).strip(), ImageRank.OTHER)


def read_itunes_summary(fields: EntryFields, element: etree._Element) -> None:
    """`<itunes:summary>`: plain text used as the summary when the item has none."""
    if fields.media_description is None:
        fields.media_description = element_text(element)


def read_itunes_author(fields: EntryFields, element: etree._Element) -> None:
    """`<itunes:author>`: the episode's author."""
    fields.add_author(element_text(element))


def read_itunes_category(fields: EntryFields, element: etree._Element) -> None:
    """`<itunes:category text>`, and the subcategories nested inside it."""
    fields.add_category(element.get("text"))
    for child in element:
        if child.tag == element.tag:
            read_itunes_category(fields, child)


def read_item_image(fields: EntryFields, element: etree._Element) -> None:
    """A non-standard item `<image>`: either a URL as text or an `<url>` child."""
    url = element.get("url") or element.get("href")
    if not url:
        child = next((c for c in element if str(c.tag).endswith("url")), None)
        url = element_text(child if child is not None else element).strip()
    fields.offer_image(url, ImageRank.OTHER)


MEDIA_HANDLERS: Final[Mapping[str, Handler]] = {
    **{
        clark(namespace, local): handler
        for namespace in MEDIA
        for local, handler in (
            ("content", read_media_content),
            ("thumbnail", read_media_thumbnail),
            ("group", read_media_group),
            ("title", read_media_title),
            ("description", read_media_description),
            ("category", read_media_category),
        )
    },
    **{
        clark(namespace, local): handler
        for namespace in ITUNES
        for local, handler in (
            ("image", read_itunes_image),
            ("summary", read_itunes_summary),
            ("author", read_itunes_author),
            ("category", read_itunes_category),
        )
    },
}
