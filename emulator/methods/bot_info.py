"""The bot itself: getMe, its command lists, and getFile."""

from __future__ import annotations

import re

from emulator.core import Emulator
from emulator.errors import bad_request
from emulator.markup import check_web_app_url
from emulator.methods.base import Handler, canonical_json
from emulator.params import Params
from emulator.wire import bot_user_json

_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
MAX_COMMANDS = 100


def _commands_key(params: Params) -> str:
    """Key a command list by its scope and language code."""
    scope = params.json_value("scope", error="can't parse BotCommandScope JSON object")
    scope = scope if isinstance(scope, dict) else {"type": "default"}
    return canonical_json(scope) + "|" + (params.text("language_code") or "")


async def get_me(emu: Emulator, _params: Params) -> object:
    """getMe: the bot's User object."""
    return bot_user_json(emu.world)


async def set_my_commands(emu: Emulator, params: Params) -> object:
    """setMyCommands: up to 100 commands, names 1-32 of a-z 0-9 _, descriptions 1-256."""
    raw = params.json_value("commands", error="can't parse commands JSON object")
    if not isinstance(raw, list):
        raise bad_request("commands must be an Array")
    if len(raw) > MAX_COMMANDS:
        raise bad_request("too many commands specified")
    commands: list[dict[str, str]] = []
    for item in raw:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand: BotCommand must be an Object")
        command = str(item.get("command", "")).removeprefix("/")
        description = str(item.get("description", ""))
        if not _COMMAND.match(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("command description must be 1-256 characters long")
        commands.append({"command": command, "description": description})
    emu.world.commands[_commands_key(params)] = commands
    emu.notify()
    return True


async def get_my_commands(emu: Emulator, params: Params) -> object:
    """getMyCommands: the list set for exactly this scope and language."""
    return emu.world.commands.get(_commands_key(params), [])


async def delete_my_commands(emu: Emulator, params: Params) -> object:
    """deleteMyCommands: forget the list of this scope and language."""
    emu.world.commands.pop(_commands_key(params), None)
    return True


MENU_BUTTON_TYPES = ("commands", "web_app", "default")
MAX_MENU_BUTTON_TEXT = 64


def _menu_chat(emu: Emulator, params: Params) -> int:
    """Return the private chat a menu-button call names, or 0 for the default."""
    raw = params.raw("chat_id")
    if raw is None or raw == "":
        return 0
    chat_id = params.integer("chat_id")
    chat = emu.world.chats.get(chat_id or 0)
    if chat is None:
        raise bad_request("chat not found")
    if chat.type != "private":
        raise bad_request("CHAT_TYPE_INVALID")  # menu buttons are for private chats only
    return chat.id


async def set_chat_menu_button(emu: Emulator, params: Params) -> object:
    """setChatMenuButton: a private chat's (or the default) menu button: the command list,
    a Mini App (text and an https WebAppInfo), or the default."""
    chat_id = _menu_chat(emu, params)
    raw = params.json_value("menu_button", error="can't parse MenuButton JSON object")
    button = raw if raw is not None else {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in MENU_BUTTON_TYPES:
        raise bad_request("can't parse MenuButton: unsupported type")
    if button["type"] == "web_app":
        text = button.get("text")
        if not isinstance(text, str) or not text.strip():
            raise bad_request('can\'t parse MenuButton: Field "text" must be of type String')
        if len(text) > MAX_MENU_BUTTON_TEXT:
            raise bad_request("BUTTON_TEXT_INVALID")
        url = check_web_app_url(button.get("web_app"), "menu button Web App URL")
        button = {"type": "web_app", "text": text, "web_app": {"url": url}}
    else:
        button = {"type": button["type"]}
    if button["type"] == "default":
        emu.world.menu_buttons.pop(chat_id, None)
    else:
        emu.world.menu_buttons[chat_id] = button
    emu.notify()
    return True


async def get_chat_menu_button(emu: Emulator, params: Params) -> object:
    """getChatMenuButton: the chat's own button, else the default one."""
    chat_id = _menu_chat(emu, params)
    buttons = emu.world.menu_buttons
    return buttons.get(chat_id) or buttons.get(0) or {"type": "default"}


async def get_file(emu: Emulator, params: Params) -> object:
    """getFile: the File object with the path to download it from."""
    stored = emu.world.files.get(params.text("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    result: dict[str, object] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_path": stored.file_path,
    }
    if stored.data is not None:
        result["file_size"] = len(stored.data)
    return result


METHODS: dict[str, Handler] = {
    "getMe": get_me,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "getFile": get_file,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
}
