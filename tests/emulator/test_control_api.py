"""The control API by hand: `/control/` lists its routes, and a refused request changes nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from emulator import RunningEmulator
from emulator.control import ROUTE_BODIES
from emulator.core import Emulator
from emulator.server import create_app


@pytest.fixture
async def http(emulator: RunningEmulator) -> AsyncIterator[httpx.AsyncClient]:
    """Plain HTTP to the emulator, as `curl` would do it."""
    async with httpx.AsyncClient(base_url=emulator.base_url, timeout=10) as client:
        yield client


def world_state(emulator: RunningEmulator) -> dict[str, Any]:
    """Everything a control request could change: people, chats, messages, updates, faults."""
    emu = emulator.emulator
    world = emu.world
    return {
        "users": {uid: dataclasses.astuple(user) for uid, user in world.users.items()},
        "chats": {
            cid: (
                chat.type,
                chat.linked_chat_id,
                {uid: (m.status, m.rights) for uid, m in chat.members.items()},
                sorted(chat.messages),
            )
            for cid, chat in world.chats.items()
        },
        "updates": emu.updates.pending_count,
        "faults": emu.faults.pending(),
        "flood": dataclasses.asdict(emu.flood.limits),
        "queries": (len(world.inline_queries), len(world.callback_queries)),
    }


async def control_routes() -> set[tuple[str, str]]:
    """Every (method, path) the emulator's app serves under /control/."""
    emulator = Emulator()
    try:
        return {
            (route.method, route.resource.canonical)
            for route in create_app(emulator).router.routes()
            if route.resource is not None
            and route.resource.canonical.startswith("/control/")
            and route.method != "HEAD"
        }
    finally:
        await emulator.close()


async def test_control_index_lists_every_route_with_what_it_does(http: httpx.AsyncClient):
    answer = await http.get("/control/")
    assert answer.status_code == 200
    routes = answer.json()["routes"]
    registered = await control_routes()
    listed = {(r["method"], r["path"]) for r in routes}
    assert listed == registered - {("GET", "/control/")}
    assert all(
        r["does"] and "/control" not in r["does"] and "None" not in r["does"] for r in routes
    )
    bodies = {r["path"]: r["body"] for r in routes if "body" in r}
    assert bodies == ROUTE_BODIES
    [messages] = [r for r in routes if r["path"] == "/control/chats/{chat_id}/messages"]
    assert messages["query"] == "count=N&from_bot=1&wait=S"


async def test_the_index_is_enough_to_drive_the_emulator_by_hand(http: httpx.AsyncClient):
    """The steps of docs/emulator.md: a channel, a user writing, an inline query."""
    user = (await http.post("/control/users", json={"first_name": "Ann"})).json()
    channel = await http.post(
        "/control/channels", json={"title": "Harbour", "username": "harbour_news"}
    )
    assert channel.status_code == 200
    sent = await http.post("/control/messages", json={"user_id": user["id"], "text": "/start"})
    assert sent.status_code == 200
    query = await http.post("/control/inline-queries", json={"user_id": user["id"], "query": "x"})
    assert query.status_code == 200
    # the bot made admin of the channel, /start, the inline query: three updates to read
    assert (await http.get("/control/updates")).json()["pending"] == 3


REFUSED: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/control/users", {"first_name": ""}),
    ("POST", "/control/users", {"first_name": "Ann", "username": 5}),
    ("POST", "/control/groups", {"title": "G", "member_ids": [999]}),
    ("POST", "/control/groups", {"title": "G", "owner_id": 999}),
    ("POST", "/control/groups", {"title": "G", "bot_status": "boss"}),
    ("POST", "/control/channels", {"title": "C", "subscriber_ids": [999]}),
    ("POST", "/control/channels", {"title": "C", "bot_status": "boss"}),
    ("POST", "/control/channels", {"title": "C", "linked_group_id": 999}),
    ("POST", "/control/channels", {"title": "C", "linked_group_id": "{channel}"}),
    ("POST", "/control/messages", {"user_id": "{blocked}", "text": ""}),
    (
        "POST",
        "/control/messages",
        {"user_id": "{blocked}", "text": "hi", "reply_to_message_id": 9},
    ),
    ("POST", "/control/messages", {"user_id": "{fresh}", "text": "<b>hi", "html": True}),
    ("POST", "/control/messages", {"user_id": "{fresh}", "text": 7}),
    ("POST", "/control/channel-posts", {"channel_id": "{channel}", "text": "<i>x", "html": True}),
    ("POST", "/control/faults", {"method": "sendMessage", "times": "twice"}),
    ("POST", "/control/faults", {"method": "sendMessage", "times": 0}),
    ("POST", "/control/faults", {"method": "sendMessage", "retry_after": 1.5}),
    ("PUT", "/control/flood", {"overall_per_second": "fast"}),
    ("PUT", "/control/flood", {"group_per_minute": 0}),
    ("POST", "/control/inline-queries", {"user_id": "{fresh}", "query": "x", "chat_type": 3}),
]


@pytest.mark.parametrize(("verb", "path", "body"), REFUSED)
async def test_a_refused_request_changes_nothing(
    emulator: RunningEmulator, http: httpx.AsyncClient, verb, path, body
):
    client = emulator.client
    fresh = await client.create_user("Fresh")
    blocked = await client.create_user("Blocked")
    await client.send_message(blocked.id, "/start")
    await client.set_blocked(blocked.id)
    channel = await client.create_channel("Harbour")
    names = {"{fresh}": fresh.id, "{blocked}": blocked.id, "{channel}": channel.id}
    body = {k: names.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    before = world_state(emulator)

    answer = await http.request(verb, path, json=body)

    assert 400 <= answer.status_code < 500, answer.text
    assert answer.json()["error"]
    assert world_state(emulator) == before
    users = [uid for uid in before["users"] if uid != emulator.emulator.world.bot.id]
    after = await client.create_user("Next")
    assert after.id == max(users) + 1  # no id was spent on the refused request
