"""`newsbot run` in webhook mode as a real process: starts, stops on SIGTERM with exit 0, and
its DEBUG log (which includes PTB's setWebhook parameters) never shows the secret."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from emulator import RunningEmulator
from tests.bot.ops.conftest import free_port
from tests.support.waiting import eventually

SECRET = "Process_secret-91b0c"


async def test_webhook_run_stops_on_sigterm_and_logs_no_secret(
    emulator: RunningEmulator, tmp_path
):
    port = free_port()
    url = f"https://127.0.0.1:{port}/tg/updates"
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_BASE_URL": emulator.api_base_url,
        "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
        "WEBHOOK_URL": url,
        "WEBHOOK_SECRET_TOKEN": SECRET,
        "WEBHOOK_PORT": str(port),
        "INGEST_WORKERS": "0",
        "LOG_LEVEL": "DEBUG",
    }
    log_path = tmp_path / "run.log"
    with log_path.open("wb") as log_file:
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path, stderr=log_file
        )
    try:

        async def started() -> bool:
            assert bot.returncode is None, log_path.read_text(errors="replace")
            return "event=started" in log_path.read_text(errors="replace")

        await eventually(started, within=20, what="start-up", interval=0.1)
        registered = emulator.emulator.webhook.settings
        assert registered is not None
        assert (registered.url, registered.secret_token) == (url, SECRET)
        bot.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(bot.wait(), timeout=15)
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
    log = log_path.read_text(errors="replace")
    assert code == 0, log
    assert f"event=started mode=webhook listen=127.0.0.1:{port} host=127.0.0.1" in log
    assert "event=stopped" in log
    assert "setWebhook" in log  # PTB logged the call at DEBUG ...
    assert SECRET not in log  # ... with the secret redacted
    assert emulator.token not in log
