"""End-to-end harness: the real PTB Application polling the emulator over HTTP.

    async with bot_app(handlers=[CommandHandler("start", start)]) as harness:
        ann = await harness.new_user("Ann")
        await ann.send("/start")
        [reply] = await harness.wait_for_messages(ann.id, 1)

Handler exceptions are collected; a harness that exits with errors nobody took
(`harness.take_errors()`) fails the test.

To check that the bot did *not* do something, wait for the handled barrier instead of a
timeout: `await harness.wait_handled()` returns once every update the emulator has
delivered so far has gone through the bot's handlers (and error handler).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseHandler,
    BaseRateLimiter,
    BaseUpdateProcessor,
    ContextTypes,
    Defaults,
    SimpleUpdateProcessor,
)

from bot.transport.http import with_aiohttp
from emulator.client import (
    CallbackAnswer,
    ChosenInline,
    EmulatorClient,
    InlineAnswer,
    MessageView,
    UserInfo,
)
from emulator.server import RunningEmulator

POLL_TIMEOUT_SECONDS = 1
HandlerSpec = BaseHandler[Any, Any, Any] | tuple[BaseHandler[Any, Any, Any], int]
BuilderHook = Callable[[ApplicationBuilder[Any, Any, Any, Any, Any, Any]], Any]


class HandledUpdates(BaseUpdateProcessor):
    """Runs updates through `inner` and counts each one once its handlers have returned.

    Installed by the harness through PTB's public `concurrent_updates` hook, around the
    processor the test asked for (PTB's sequential one by default).
    """

    def __init__(self, inner: BaseUpdateProcessor) -> None:
        """Process like `inner`, with the same concurrency."""
        super().__init__(inner.max_concurrent_updates)
        self.inner = inner
        self.handled = 0
        self._changed = asyncio.Event()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Let `inner` run the handlers, then count the update as handled."""
        try:
            await self.inner.do_process_update(update, coroutine)
        finally:
            self.handled += 1
            self._changed.set()
            self._changed = asyncio.Event()

    async def initialize(self) -> None:
        """Initialize `inner`."""
        await self.inner.initialize()

    async def shutdown(self) -> None:
        """Shut `inner` down."""
        await self.inner.shutdown()

    async def wait_handled(self, count: int) -> None:
        """Wait until at least `count` updates have been handled."""
        while self.handled < count:
            await self._changed.wait()


@dataclass
class UserActor:
    """A simulated user, with the actions tests need most."""

    harness: Harness
    info: UserInfo

    @property
    def id(self) -> int:
        """Return the user id (also the id of their private chat with the bot)."""
        return self.info.id

    async def send(
        self, text: str, *, chat_id: int | None = None, reply_to: int | None = None
    ) -> MessageView:
        """Write a message or command (default: in the private chat with the bot)."""
        return await self.harness.client.send_message(
            self.id, text, chat_id=chat_id, reply_to_message_id=reply_to
        )

    async def press(
        self, message: MessageView, *, data: str | None = None, text: str | None = None
    ) -> CallbackAnswer:
        """Press a callback button of a message and wait for the bot's answer."""
        query_id = await self.harness.client.press_button(
            self.id,
            chat_id=None if message.inline_message_id else message.chat_id,
            message_id=None if message.inline_message_id else message.message_id,
            inline_message_id=message.inline_message_id,
            data=data,
            text=text,
        )
        return await self.harness.client.callback_answer(query_id)

    async def inline(self, query: str, *, offset: str = "") -> InlineAnswer:
        """Type `@bot query` and wait for the answer."""
        return await self.harness.client.ask_inline(self.id, query, offset=offset)

    async def choose(
        self, answer: InlineAnswer, result_id: str, *, chat_id: int | None = None
    ) -> ChosenInline:
        """Pick a result of an inline answer."""
        return await self.harness.client.choose_inline_result(
            answer.query_id, result_id, chat_id=chat_id
        )

    async def forward(self, message: MessageView) -> MessageView:
        """Forward a message (e.g. a channel post) to the bot."""
        return await self.harness.client.forward_to_bot(
            self.id, message.chat_id, message.message_id
        )


@dataclass
class Harness:
    """A running bot on a running emulator."""

    emulator: RunningEmulator
    application: Application[Any, Any, Any, Any, Any, Any]
    processor: HandledUpdates
    delivered_before: int = 0
    errors: list[BaseException] = field(default_factory=list)
    _error_raised: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    def record_error(self, error: BaseException) -> None:
        """Keep an exception a handler raised."""
        self.errors.append(error)
        self._error_raised.set()

    @property
    def client(self) -> EmulatorClient:
        """Return the emulator's control client."""
        return self.emulator.client

    @property
    def bot(self) -> Any:
        """Return the application's bot (for direct Bot API calls from a test)."""
        return self.application.bot

    async def new_user(self, first_name: str = "Ann", **fields: Any) -> UserActor:
        """Create a simulated user."""
        return UserActor(self, await self.client.create_user(first_name, **fields))

    def user(self, info: UserInfo) -> UserActor:
        """Wrap an existing user."""
        return UserActor(self, info)

    async def wait_for_messages(
        self, chat_id: int, count: int, *, from_bot: bool = True, within: float = 5.0
    ) -> list[MessageView]:
        """Wait until the chat holds `count` messages (from the bot by default)."""
        return await self.client.wait_for_messages(
            chat_id, count, from_bot=from_bot, within=within
        )

    async def wait_handled(self, *, within: float = 5.0) -> None:
        """Wait until every update delivered so far has been fetched and fully handled.

        The barrier for absence checks ("the bot did not reply"): once it returns, a reply
        or a write the handlers were going to make has been made. Jobs and tasks a handler
        starts on its own are not covered.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        queue = await self.client.updates(within=within)
        if queue.pending:
            raise TimeoutError(f"the bot left {queue.pending} updates unconfirmed")
        wanted = queue.delivered - self.delivered_before
        try:
            async with asyncio.timeout_at(deadline):
                await self.processor.wait_handled(wanted)
        except TimeoutError:
            raise TimeoutError(
                f"the bot handled {self.processor.handled} of {wanted} updates"
            ) from None

    async def wait_for_errors(self, count: int, *, within: float = 5.0) -> list[BaseException]:
        """Wait until handlers have raised `count` errors; return and forget them."""
        try:
            async with asyncio.timeout(within):
                while len(self.errors) < count:
                    self._error_raised.clear()
                    await self._error_raised.wait()
        except TimeoutError:
            raise TimeoutError(
                f"handlers raised {len(self.errors)} errors, wanted {count}"
            ) from None
        return self.take_errors()

    def take_errors(self) -> list[BaseException]:
        """Return and forget the exceptions handlers raised."""
        taken, self.errors[:] = list(self.errors), []
        return taken


@asynccontextmanager
async def start_bot(
    emulator: RunningEmulator,
    *,
    handlers: Sequence[HandlerSpec] = (),
    rate_limiter: BaseRateLimiter[Any] | None = None,
    defaults: Defaults | None = None,
    configure: BuilderHook | None = None,
    http: Literal["aiohttp", "httpx"] = "aiohttp",
    update_processor: BaseUpdateProcessor | None = None,
) -> AsyncIterator[Harness]:
    """Build a PTB Application against the emulator, poll, and stop cleanly at the end.

    `http` picks the HTTP layer: the bot's own aiohttp one (as `newsbot run` uses by
    default) or PTB's httpx default. `update_processor` replaces PTB's sequential one
    (pass it here, not through `configure`: the harness wraps it to count handled updates).
    """
    builder = ApplicationBuilder()
    if http == "aiohttp":
        builder = with_aiohttp(builder)
    builder = (
        builder.token(emulator.token)
        .base_url(emulator.api_base_url)
        .base_file_url(emulator.file_base_url)
    )
    if rate_limiter is not None:
        builder = builder.rate_limiter(rate_limiter)
    if defaults is not None:
        builder = builder.defaults(defaults)
    if configure is not None:
        configure(builder)
    processor = HandledUpdates(update_processor or SimpleUpdateProcessor(1))
    builder.concurrent_updates(processor)
    application = builder.build()
    delivered_before = (await emulator.client.updates()).delivered
    harness = Harness(emulator, application, processor, delivered_before)
    for spec in handlers:
        handler, group = spec if isinstance(spec, tuple) else (spec, 0)
        application.add_handler(handler, group)

    async def record_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Keep handler exceptions for the test to inspect."""
        if context.error is not None:
            harness.record_error(context.error)

    application.add_error_handler(record_error)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(
            timeout=POLL_TIMEOUT_SECONDS, poll_interval=0, allowed_updates=Update.ALL_TYPES
        )
        try:
            yield harness
        finally:
            await application.updater.stop()
            await application.stop()
    if harness.errors:
        raise AssertionError(f"handlers raised errors nobody checked: {harness.errors!r}")
