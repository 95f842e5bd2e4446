"""`pip install .` puts exactly the project's five packages (with their data) into
site-packages: no `tests`, `bench` or `docs`, and the catalogs travel with `bot`."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {"bot", "handlers", "news", "storage", "emulator"}
PIP = (sys.executable, "-m", "pip", "--quiet", "--no-input")
"""pip offline: every command also gets --no-deps and --no-index (no registry is asked)."""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the project's wheel offline, from a copy of the tree (the checkout stays clean)."""
    tree = tmp_path_factory.mktemp("tree")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    for package in PACKAGES | {"tests", "bench", "docs"}:
        # Not bench/.cache: generated data sets (gigabytes, or a symlink to them) and
        # benchmarks' live PostgreSQL sockets are no part of the source tree.
        shutil.copytree(
            ROOT / package,
            tree / package,
            symlinks=True,
            ignore=shutil.ignore_patterns("__pycache__", ".cache"),
        )
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            *PIP,
            "wheel",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(tree),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [built] = out.glob("newsbot-*.whl")
    return built


def test_the_wheel_holds_the_five_packages_and_nothing_else(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names}
    assert top - {d for d in top if d.endswith(".dist-info")} == PACKAGES
    assert not [n for n in names if n.startswith(("tests/", "bench/", "docs/"))]
    catalogs = [n for n in names if n.endswith(".po")]
    assert {Path(n).name for n in catalogs} == {
        p.name for p in (ROOT / "bot/ops/locales/ru/LC_MESSAGES").glob("*.po")
    }
    sources = {
        p.relative_to(ROOT).as_posix() for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")
    }
    assert {n for n in names if n.endswith(".py")} == sources
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert (
        "newsbot = bot.cli.main:entry_point" in zipfile.ZipFile(wheel).read(entry_points).decode()
    )


def test_the_installed_wheel_runs_from_anywhere(wheel: Path, tmp_path: Path):
    """Installed to a folder of its own, the CLI starts and finds its Russian catalogs."""
    target = tmp_path / "site"
    subprocess.run(
        [*PIP, "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = (
        "import bot; from bot.ops.i18n import texts_for; import bot.cli.main; "
        "print(bot.__file__); "
        "print(texts_for('ru').gettext('Sorry, this button no longer works.'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=elsewhere,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    where, russian = done.stdout.splitlines()
    assert where.startswith(str(target))  # the installed copy, not the checkout
    assert russian == "Извините, эта кнопка больше не работает."
