"""HTML to Telegraph nodes, the size limit and the cut, an article's page."""

from __future__ import annotations

import json

import pytest

from news.render.telegraph import (
    ALLOWED_TAGS,
    CONTINUE_TEXT,
    MAX_CONTENT_BYTES,
    MAX_TITLE_CHARS,
    article_page,
    content_json,
    content_size,
    fit_nodes,
    html_to_nodes,
)


def tags_in(nodes) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, dict):
            found.add(node["tag"])
            found |= tags_in(node.get("children", []))
    return found


def test_allowed_tags_pass_through_with_their_attributes():
    nodes = html_to_nodes(
        '<p>Hello <b>bold</b> <a href="https://harbour.example/a">link</a></p>'
        '<figure><img src="https://harbour.example/i.jpg"><figcaption>Quay</figcaption></figure>'
    )
    assert nodes == [
        {
            "tag": "p",
            "children": [
                "Hello ",
                {"tag": "b", "children": ["bold"]},
                " ",
                {"tag": "a", "attrs": {"href": "https://harbour.example/a"}, "children": ["link"]},
            ],
        },
        {
            "tag": "figure",
            "children": [
                {"tag": "img", "attrs": {"src": "https://harbour.example/i.jpg"}},
                {"tag": "figcaption", "children": ["Quay"]},
            ],
        },
    ]


def test_other_tags_are_mapped_unwrapped_or_dropped():
    nodes = html_to_nodes(
        "<h1>Big</h1><h5>Small</h5><div><span>in a span</span></div><del>gone</del>"
        "<script>alert(1)</script><style>p{}</style><table><tr><td>cell</td></tr></table>"
    )
    assert tags_in(nodes) <= ALLOWED_TAGS
    assert nodes[0] == {"tag": "h3", "children": ["Big"]}
    assert nodes[1] == {"tag": "h4", "children": ["Small"]}
    text = json.dumps(nodes)
    assert "in a span" in text
    assert "cell" in text
    assert "alert" not in text
    assert "p{}" not in text


def test_unsafe_or_missing_urls_are_left_out():
    nodes = html_to_nodes(
        '<p><a href="javascript:alert(1)">click</a> <a>plain</a> <img src="data:x">'
        '<img onerror="x" src="https://harbour.example/i.jpg"></p>'
    )
    assert nodes == [
        {
            "tag": "p",
            "children": [
                "click plain ",
                {"tag": "img", "attrs": {"src": "https://harbour.example/i.jpg"}},
            ],
        }
    ]


def test_broken_markup_still_gives_nodes():
    nodes = html_to_nodes("<p>one<p>two<ul><li>a<li>b</ul><b>unclosed")
    assert nodes[0] == {"tag": "p", "children": ["one"]}
    assert nodes[1] == {"tag": "p", "children": ["two"]}
    assert nodes[2] == {
        "tag": "ul",
        "children": [{"tag": "li", "children": ["a"]}, {"tag": "li", "children": ["b"]}],
    }


def test_content_size_is_the_json_in_utf8_bytes():
    nodes = html_to_nodes("<p>Café ☕</p><p>two</p>")
    assert content_size(nodes) == len(content_json(nodes).encode())


def test_content_within_the_limit_is_kept_whole():
    nodes = html_to_nodes("<p>short</p>")
    fitted = fit_nodes(nodes, "https://harbour.example/a")
    assert fitted.nodes == nodes
    assert not fitted.truncated


@pytest.mark.parametrize("word", ["word", "слово", "词", "🌊"])
def test_oversize_content_is_cut_and_links_to_the_original(word):
    html = "".join(f"<p>{' '.join([word] * 300)} {n}.</p>" for n in range(200))
    fitted = fit_nodes(html_to_nodes(html), "https://harbour.example/a")
    assert fitted.truncated
    assert fitted.size == content_size(fitted.nodes) <= MAX_CONTENT_BYTES
    assert fitted.size > MAX_CONTENT_BYTES - 2048  # cut near the limit, not far below
    last = fitted.nodes[-1]
    assert last["children"][0]["attrs"] == {"href": "https://harbour.example/a"}
    assert CONTINUE_TEXT in last["children"][0]["children"][0]
    cut_paragraph = fitted.nodes[-2]["children"][0]
    assert cut_paragraph.endswith(("…", "."))


def test_one_huge_paragraph_is_cut_inside():
    fitted = fit_nodes(html_to_nodes("<p>" + "tide " * 40_000 + "</p>"), None, limit=10_000)
    assert fitted.truncated
    assert content_size(fitted.nodes) <= 10_000
    assert len(fitted.nodes) == 2
    assert fitted.nodes[0]["children"][0].startswith("tide tide")
    assert fitted.nodes[-1] == {"tag": "p", "children": ["…"]}


def test_article_page_has_image_paragraphs_and_the_original():
    page = article_page(
        title="Night ferry returns",
        body="First paragraph.\n\nSecond <one> & more.\nA kept line break.",
        url="https://harbour.example/news/1",
        image_url="https://harbour.example/i.jpg",
        source_name="Harbour Times",
    )
    assert page.title == "Night ferry returns"
    assert page.author_name == "Harbour Times"
    assert page.author_url == "https://harbour.example/news/1"
    assert not page.truncated
    assert page.nodes[0] == {
        "tag": "figure",
        "children": [{"tag": "img", "attrs": {"src": "https://harbour.example/i.jpg"}}],
    }
    assert page.nodes[1] == {"tag": "p", "children": ["First paragraph."]}
    assert page.nodes[2] == {
        "tag": "p",
        "children": ["Second <one> & more.", {"tag": "br"}, "A kept line break."],
    }
    assert page.nodes[3]["children"][0]["attrs"] == {"href": "https://harbour.example/news/1"}


def test_article_page_title_fits_telegraph():
    page = article_page(title="Tide " * 100, body="x", url="https://harbour.example/a")
    assert 1 <= len(page.title) <= MAX_TITLE_CHARS
    assert article_page(title="   ", body="x", url="https://harbour.example/a").title
