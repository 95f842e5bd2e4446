"""`make demo`: installs only the runtime, and asks `newsbot` itself whether a token is set
(so `.env` is read exactly as the settings loader reads it)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")

FAKE_NEWSBOT = """#!/bin/sh
echo "newsbot $*" >> "$CALLS"
if [ "$1 $2" = "check --has-token" ]; then exit "$HAS_TOKEN"; fi
"""


def fake_venv(tmp_path: Path) -> Path:
    """A venv whose `newsbot` records its calls, installed (stamps newer than pyproject)."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    for name in ("python", "newsbot"):
        script = venv / "bin" / name
        script.write_text(FAKE_NEWSBOT)
        script.chmod(0o755)
    (venv / ".runtime-installed").touch()
    return venv


def make_demo(tmp_path: Path, has_token: int) -> tuple[int, list[str]]:
    venv = fake_venv(tmp_path)
    calls = tmp_path / "calls"
    env = {
        **os.environ,
        "CALLS": str(calls),
        "HAS_TOKEN": str(has_token),
    }
    env.pop("TELEGRAM_BOT_TOKEN", None)
    done = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "demo", f"VENV={venv}"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, calls.read_text().splitlines() if calls.exists() else []


@pytest.mark.parametrize(
    ("has_token", "code", "then"),
    [(0, 0, "newsbot run"), (1, 0, "newsbot demo"), (2, 2, None)],
)
def test_demo_asks_newsbot_whether_a_token_is_configured(tmp_path, has_token, code, then):
    returncode, calls = make_demo(tmp_path, has_token)
    assert returncode == code
    assert calls == ["newsbot check --has-token", *([then] if then else [])]


def test_the_first_demo_installs_only_the_runtime(tmp_path):
    planned = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "demo", f"VENV={tmp_path / 'fresh'}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installs = [line for line in planned.splitlines() if "pip install" in line]
    assert installs == [f"{tmp_path / 'fresh'}/bin/pip install --quiet -e ."]
    assert "[dev]" not in planned
