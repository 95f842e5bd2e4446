"""The emulated Telegraph: its API through our client, its limits, faults and pages."""

from __future__ import annotations

import json

import aiohttp
import pytest

from bot.transport.telegraph import (
    HttpTelegraph,
    TelegraphFlood,
    TelegraphRejected,
    TelegraphTokenInvalid,
    TelegraphUnavailable,
)
from emulator import RunningEmulator

PARAGRAPH = {"tag": "p", "children": ["The tide came in early."]}


@pytest.fixture
async def telegraph(emulator: RunningEmulator):
    api = HttpTelegraph(emulator.telegraph_base_url, timeout_seconds=5)
    yield api
    await api.close()


async def add_fault(emulator: RunningEmulator, **fault) -> None:
    async with aiohttp.ClientSession() as session:
        answer = await session.post(f"{emulator.base_url}/control/telegraph/faults", json=fault)
        assert answer.status == 200, await answer.text()


async def test_an_account_creates_a_page_served_as_html(emulator, telegraph):
    account = await telegraph.create_account("newsbot")
    assert account.short_name == "newsbot"
    assert account.access_token not in repr(account)
    page = await telegraph.create_page(
        account.access_token,
        title="Night ferry returns",
        nodes=[PARAGRAPH, {"tag": "img", "attrs": {"src": "https://harbour.example/i.jpg"}}],
        author_name="Harbour Times",
        author_url="https://harbour.example/news/1",
    )
    assert page.path.startswith("Night-ferry-returns-")
    assert page.url == f"{emulator.base_url}/telegraph/page/{page.path}"
    async with aiohttp.ClientSession() as session, session.get(page.url) as answer:
        html = await answer.text()
    assert "<p>The tide came in early.</p>" in html
    assert '<img src="https://harbour.example/i.jpg">' in html
    assert "Harbour Times" in html
    again = await telegraph.create_page(
        account.access_token, title="Night ferry returns", nodes=[PARAGRAPH]
    )
    assert again.path == page.path + "-2"


async def test_edit_page_replaces_content_only_for_its_owner(emulator, telegraph):
    owner = await telegraph.create_account("owner")
    other = await telegraph.create_account("other")
    page = await telegraph.create_page(owner.access_token, title="Tide", nodes=[PARAGRAPH])
    edited = await telegraph.edit_page(
        owner.access_token, page.path, title="Tide tables", nodes=["Plain text now."]
    )
    assert edited.path == page.path
    stored = emulator.emulator.telegraph.pages[page.path]
    assert (stored.title, stored.content, stored.edits) == ("Tide tables", ["Plain text now."], 1)
    with pytest.raises(TelegraphRejected, match="PAGE_ACCESS_DENIED"):
        await telegraph.edit_page(other.access_token, page.path, title="x", nodes=["y"])
    with pytest.raises(TelegraphRejected, match="PAGE_NOT_FOUND"):
        await telegraph.edit_page(owner.access_token, "Nope-12-07", title="x", nodes=["y"])


@pytest.mark.parametrize(
    ("title", "nodes", "error"),
    [
        ("", [PARAGRAPH], "TITLE_REQUIRED"),
        ("x" * 257, [PARAGRAPH], "TITLE_TOO_LONG"),
        ("Tide", [], "CONTENT_TEXT_REQUIRED"),
        ("Tide", [{"tag": "h1", "children": ["Big"]}], "TAG_NOT_ALLOWED"),
        ("Tide", [{"tag": "script", "children": ["x"]}], "TAG_NOT_ALLOWED"),
        (
            "Tide",
            [{"tag": "a", "attrs": {"onclick": "x"}, "children": ["y"]}],
            "ATTRIBUTE_NOT_ALLOWED",
        ),
        ("Tide", [{"tag": "p", "children": "not a list"}], "CONTENT_FORMAT_INVALID"),
        ("Tide", [{"children": ["no tag"]}], "CONTENT_FORMAT_INVALID"),
        ("Tide", [{"tag": "p", "children": ["é" * 33_000]}], "CONTENT_TOO_BIG"),
    ],
)
async def test_telegraph_refuses_what_it_refuses(telegraph, title, nodes, error):
    account = await telegraph.create_account("newsbot")
    with pytest.raises(TelegraphRejected, match=error):
        await telegraph.create_page(account.access_token, title=title, nodes=nodes)


async def test_content_just_under_64_kb_is_taken(telegraph):
    account = await telegraph.create_account("newsbot")
    overhead = len(json.dumps([{"tag": "p", "children": [""]}], separators=(",", ":")))
    nodes = [{"tag": "p", "children": ["a" * (64 * 1024 - overhead)]}]
    await telegraph.create_page(account.access_token, title="Full", nodes=nodes)
    nodes = [{"tag": "p", "children": ["a" * (64 * 1024 - overhead + 1)]}]
    with pytest.raises(TelegraphRejected, match="CONTENT_TOO_BIG"):
        await telegraph.create_page(account.access_token, title="Over", nodes=nodes)


async def test_an_unknown_token_is_refused(telegraph):
    with pytest.raises(TelegraphTokenInvalid):
        await telegraph.create_page("not-a-token", title="Tide", nodes=[PARAGRAPH])


async def test_injected_flood_and_outage_are_told_apart(emulator, telegraph):
    account = await telegraph.create_account("newsbot")
    await add_fault(emulator, method="createPage", error_code=400, description="FLOOD_WAIT_7")
    with pytest.raises(TelegraphFlood) as flood:
        await telegraph.create_page(account.access_token, title="Tide", nodes=[PARAGRAPH])
    assert flood.value.retry_after == 7
    await add_fault(emulator, method="createPage", error_code=502, description="Bad Gateway")
    with pytest.raises(TelegraphUnavailable, match="HTTP 502"):
        await telegraph.create_page(account.access_token, title="Tide", nodes=[PARAGRAPH])
    await add_fault(emulator, method="createPage", kind="drop")
    with pytest.raises(TelegraphUnavailable):
        await telegraph.create_page(account.access_token, title="Tide", nodes=[PARAGRAPH])
    page = await telegraph.create_page(account.access_token, title="Tide", nodes=[PARAGRAPH])
    assert page.path
    state = emulator.emulator.telegraph
    assert state.calls["createPage"] == 4
    assert state.errors["FLOOD_WAIT_7"] == 1


async def test_nothing_listens_means_unavailable():
    api = HttpTelegraph("http://127.0.0.1:9/telegraph", timeout_seconds=2)
    try:
        with pytest.raises(TelegraphUnavailable):
            await api.create_account("newsbot")
    finally:
        await api.close()


async def test_the_control_route_shows_pages_and_refuses_a_bad_fault(emulator, telegraph):
    account = await telegraph.create_account("newsbot")
    await telegraph.create_page(account.access_token, title="Tide", nodes=[PARAGRAPH])
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{emulator.base_url}/control/telegraph") as answer:
            data = await answer.json()
        async with session.post(
            f"{emulator.base_url}/control/telegraph/faults",
            json={"method": "createPage", "kind": "x"},
        ) as refused:
            assert refused.status == 400
    assert data["accounts"] == 1
    [page] = data["pages"]
    assert page["title"] == "Tide"
    assert page["content"] == [PARAGRAPH]
    assert page["content_bytes"] == len(json.dumps([PARAGRAPH], separators=(",", ":")))
