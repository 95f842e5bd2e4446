"""Typed dependencies for handlers and jobs: `BotData` (built empty, filled in post_init)."""

from __future__ import annotations

import contextlib
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.delivery.alert_sender import AlertSender
from bot.delivery.notices import AdminNotifier
from bot.delivery.publisher import Publisher
from bot.metrics import BotMetrics
from bot.ops.settings import Settings
from bot.services.ingest import Clock, utc_now
from bot.services.inline.renders import InlineRenders
from bot.services.leases import LeaseKeeper
from bot.services.seen_users import SeenUsers
from bot.transport.pacing import Pacer
from news.fetch import Fetcher
from storage import Database


class NotReadyError(RuntimeError):
    """A dependency was used before `post_init` set it up."""


@dataclass
class BotData:
    """What handlers and jobs need, reached as `context.bot_data` (no string keys)."""

    _settings: Settings | None = None
    _db: Database | None = None
    _fetcher: Fetcher | None = None
    ingest_executor: Executor | None = None
    """Worker processes for parsing and cleaning (None: inline)."""
    pacer: Pacer | None = None
    """Flood-limit pacing shared by the publisher and the bot's rate limiter."""
    publisher: Publisher | None = None
    """Posts the outbox to channels; started in post_init, stopped in post_stop."""
    notifier: AdminNotifier | None = None
    """Tells the admins about lost channels and deactivated sources (set in post_init)."""
    alerts: AlertSender | None = None
    """Matches new articles against /follow searches and messages users; started in
    post_init, stopped in post_stop."""
    leases: LeaseKeeper | None = None
    """This process's leases on shared work (polling, channels, daily jobs); set in
    post_init."""
    inline_renders: InlineRenders = field(default_factory=InlineRenders)
    """Inline results rendered and not yet stored (see bot.services.inline.renders)."""
    seen_users: SeenUsers = field(default_factory=SeenUsers)
    """Users written to the database lately (see bot.services.seen_users)."""
    resources: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)
    """What post_init opened, closed by post_shutdown."""
    clock: Clock = utc_now
    """The time jobs go by (tests move an injected one)."""
    metrics: BotMetrics = field(default_factory=BotMetrics)
    webapp_port: int | None = None
    """The port the Mini App's server is bound to (None: WEBAPP_URL unset)."""
    integrity_problems: list[str] = field(default_factory=list)
    """What the last periodic integrity check found (empty: intact, or not run yet)."""
    """This application's Prometheus metrics (its own registry), served on HEALTH_PORT."""

    @property
    def settings(self) -> Settings:
        """The settings the application was built with."""
        if self._settings is None:
            raise NotReadyError("settings are not set yet")
        return self._settings

    @property
    def db(self) -> Database:
        """The open database."""
        if self._db is None:
            raise NotReadyError("the database is not open yet (post_init has not run)")
        return self._db

    @property
    def fetcher(self) -> Fetcher:
        """The shared HTTP fetcher for sources and pasted links."""
        if self._fetcher is None:
            raise NotReadyError("the fetcher is not open yet (post_init has not run)")
        return self._fetcher

    def attach(
        self,
        *,
        settings: Settings | None = None,
        db: Database | None = None,
        fetcher: Fetcher | None = None,
    ) -> None:
        """Set the dependencies that are given."""
        if settings is not None:
            self._settings = settings
        if db is not None:
            self._db = db
        if fetcher is not None:
            self._fetcher = fetcher

    def detach(self) -> tuple[Database | None, Fetcher | None]:
        """Forget the database and fetcher and return them, for closing."""
        db, fetcher = self._db, self._fetcher
        self._db = self._fetcher = None
        return db, fetcher


Context: TypeAlias = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
NewsApplication: TypeAlias = Application[
    ExtBot[None], Context, dict[Any, Any], dict[Any, Any], BotData, JobQueue[Context]
]
