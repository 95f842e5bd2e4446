"""The admins' command menu: everyone's commands and the admin ones, per admin chat."""

from __future__ import annotations

import logging

from telegram import BotCommandScopeChat

from bot.ops.i18n import texts_for
from handlers.admin.menu import ADMIN_COMMANDS, admin_bot_commands, set_admin_commands
from handlers.commands import COMMANDS


async def test_each_admin_gets_the_admin_menu_in_every_language(bot_app, emulator):
    async with bot_app() as harness:
        bot = harness.bot
        assert await set_admin_commands(bot, [501, 502, 501]) == 2
        english = await bot.get_my_commands(scope=BotCommandScopeChat(502))
        russian = await bot.get_my_commands(scope=BotCommandScopeChat(501), language_code="ru")
        others = await bot.get_my_commands(scope=BotCommandScopeChat(503))

    names = [name for name, _ in COMMANDS] + [name for name, _ in ADMIN_COMMANDS]
    assert [c.command for c in english] == names
    assert [c.command for c in russian] == names
    assert english[-1].description == "Counts and recent errors"
    assert russian == tuple(admin_bot_commands(texts_for("ru")))
    assert russian[-1].description != english[-1].description
    assert others == ()


async def test_a_refused_admin_menu_is_logged_not_raised(bot_app, emulator, caplog):
    caplog.set_level(logging.WARNING, logger="handlers.admin.menu")
    async with bot_app() as harness:
        await emulator.client.add_fault("setMyCommands", error_code=400, description="Bad")
        assert await set_admin_commands(harness.bot, [501, 502]) == 1

    [record] = caplog.records
    assert record.getMessage() == "set_admin_commands_failed"
    assert record.admin_id == 501
