"""The deployment files parse and agree with the code: settings they set exist, the commands
they and docs/deploy.md show exist, the healthcheck probes /healthz. Nothing is built: no
Docker engine or registry is needed."""

from __future__ import annotations

import configparser
import re
import shlex
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from bot.cli.main import build_parser
from bot.ops.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILES = ("docker-compose.yml", "docker-compose.sqlite.yml")
SETTINGS = {name.upper() for name in Settings.model_fields}


def dockerfile() -> list[tuple[str, str]]:
    """Return the Dockerfile's instructions as (INSTRUCTION, arguments), continuations joined."""
    text = (ROOT / "Dockerfile").read_text()
    logical = re.sub(r"\\\n\s*", " ", text)
    instructions = []
    for line in logical.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def compose(name: str) -> dict:
    """Return a compose file as YAML data."""
    return yaml.safe_load((ROOT / name).read_text())


def unit() -> configparser.ConfigParser:
    """Return deploy/newsbot.service parsed as INI (keys keep their case)."""
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    parser.read_string((ROOT / "deploy" / "newsbot.service").read_text())
    return parser


def test_the_image_is_small_runs_unprivileged_keeps_data_on_a_volume_and_checks_health():
    instructions = dockerfile()
    stages = [args for keyword, args in instructions if keyword == "FROM"]
    assert len(stages) == 2  # build wheels in one stage, copy nothing of it but the install
    assert all("-slim" in stage for stage in stages)
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    final = instructions[last_from:]
    keywords = [k for k, _ in final]
    assert "COPY" not in keywords  # the final stage takes only the installed environment
    [user] = [args for keyword, args in final if keyword == "USER"]
    assert user.split(":")[0] not in ("root", "0")
    [volume] = [args for keyword, args in final if keyword == "VOLUME"]
    env = dict(
        pair.split("=", 1) for keyword, args in final if keyword == "ENV" for pair in args.split()
    )
    assert Path(env["DATABASE_PATH"]).parent.as_posix() in volume
    assert {"DATABASE_PATH", "HEALTH_PORT", "HEALTH_LISTEN"} <= set(env)
    assert {name for name in env if name.isupper()} - SETTINGS <= {
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONUNBUFFERED",
        "PATH",
    }
    [expose] = [args for keyword, args in final if keyword == "EXPOSE"]
    assert expose == env["HEALTH_PORT"]
    [health] = [args for keyword, args in final if keyword == "HEALTHCHECK"]
    assert "/healthz" in health
    assert [args for keyword, args in final if keyword == "ENTRYPOINT"] == ['["newsbot"]']
    assert [args for keyword, args in final if keyword == "CMD"] == ['["run"]']


def healthcheck_command() -> list[str]:
    """Return the HEALTHCHECK's exec-form command."""
    [health] = [args for keyword, args in dockerfile() if keyword == "HEALTHCHECK"]
    command = health[health.index("CMD ") + 4 :]
    return yaml.safe_load(command)  # a JSON array is YAML too


class _Health(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False)])
def test_the_healthcheck_command_passes_on_200_and_fails_on_503(status, healthy, tmp_path):
    handler = type("Health", (_Health,), {"status": status})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        command = healthcheck_command()
        assert command[0] == "python"
        done = subprocess.run(
            [sys.executable, *command[1:]],
            env={"HEALTH_PORT": str(server.server_address[1])},
            cwd=tmp_path,
            capture_output=True,
            timeout=30,
            check=False,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert (done.returncode == 0) is healthy


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_compose_files_parse_and_set_only_known_settings(name):
    data = compose(name)
    bot = data["services"]["bot"]
    assert bot["build"] == "."
    environment = bot["environment"]
    assert set(environment) <= SETTINGS
    data_volume = next(v for v in bot["volumes"] if v.endswith(":/data"))
    assert data_volume.split(":")[0] in data["volumes"]
    assert environment["DATABASE_PATH"].startswith("/data/")
    assert bot["restart"] == "unless-stopped"
    assert bot["logging"]["options"]["max-size"]  # rotated
    published = bot["ports"][0]
    assert published.startswith("127.0.0.1:")  # health and metrics stay on the host
    assert published.endswith(":" + environment["HEALTH_PORT"])


def test_the_postgresql_compose_file_waits_for_a_healthy_database():
    data = compose("docker-compose.yml")
    bot, postgres = data["services"]["bot"], data["services"]["postgres"]
    url = bot["environment"]["DATABASE_URL"]
    assert url.startswith("postgresql://newsbot:")
    assert url.endswith("@postgres:5432/newsbot")
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert postgres["environment"]["POSTGRES_DB"] == "newsbot"
    assert any(v.endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])


def test_the_systemd_unit_parses_and_runs_the_bot_unprivileged():
    service = unit()
    assert set(service.sections()) == {"Unit", "Service", "Install"}
    run = service["Service"]
    assert shlex.split(run["ExecStart"])[1:] == ["run"]
    assert run["User"] not in ("root", "0")
    assert run["Restart"] == "on-failure"
    assert run["RestartPreventExitStatus"] == "2"  # a bad setting: restarting cannot help
    assert run["KillSignal"] == "SIGTERM"
    name, _, value = run["Environment"].partition("=")
    assert name in SETTINGS
    assert Path(value).parent.as_posix() == f"/var/lib/{run['StateDirectory']}"
    assert service["Install"]["WantedBy"] == "multi-user.target"


def command_arguments(tokens: list[str]) -> list[str] | None:
    """Return the arguments a shell command gives `newsbot`, or None when it runs no newsbot
    command: `newsbot ARGS`, `/opt/newsbot/bin/newsbot ARGS` (also after `sudo …`),
    `docker run … newsbot ARGS` (the image's entry point), `docker compose run … bot ARGS`,
    `docker compose exec bot newsbot ARGS`."""
    if tokens[:2] == ["docker", "compose"]:
        verb = next((t for t in tokens if t in ("run", "exec")), None)
        if verb is None or "bot" not in tokens:
            return None
        rest = tokens[tokens.index("bot") + 1 :]
        if verb == "run":
            return rest or ["run"]
        return rest[1:] if rest[:1] == ["newsbot"] else None
    if tokens[:2] == ["docker", "run"]:
        if "newsbot" not in tokens:
            return None
        return tokens[len(tokens) - tokens[::-1].index("newsbot") :] or ["run"]  # the CMD
    if tokens[0] == "alias":
        return None
    if tokens[0] in ("newsbot", "newsbot-admin"):  # newsbot-admin: docs/deploy.md's alias
        return tokens[1:]
    for at, token in enumerate(tokens):
        if token.endswith("/bin/newsbot"):
            return tokens[at + 1 :]
    return None


def documented_commands() -> list[tuple[str, list[str]]]:
    """Return every `newsbot` command in docs/deploy.md's shell blocks and in the example
    commands of the deployment files' comments (`#   command`), as (where, arguments)."""
    guide = (ROOT / "docs/deploy.md").read_text()
    lines = {"docs/deploy.md": re.findall(r"```sh\n(.*?)```", guide, re.S)}
    for name in ("Dockerfile", "deploy/newsbot.service"):
        lines[name] = re.findall(r"^#   (.*)$", (ROOT / name).read_text(), re.M)
    found = []
    for where, blocks in lines.items():
        for line in "\n".join(blocks).splitlines():
            line = re.sub(r"\s#.*$", "", line)  # a comment after the command
            for segment in re.split(r"&&|\|\||;|\|", line):
                tokens = shlex.split(segment, comments=True)
                arguments = command_arguments(tokens) if tokens else None
                if arguments is not None:
                    found.append((f"{where}: {segment.strip()}", arguments))
    return found


def test_every_documented_command_exists():
    commands = documented_commands()
    assert len(commands) >= 15
    parser = build_parser()
    for where, argv in commands:
        try:
            args = parser.parse_args(argv)
        except SystemExit as exit_:
            if exit_.code != 0:  # `--help` exits 0
                pytest.fail(f"not a newsbot command: {where}")
            continue
        assert getattr(args, "handler", None) is not None, where


def test_the_readme_links_the_deployment_guide():
    readme = (ROOT / "README.md").read_text()
    assert "docs/deploy.md" in readme
    assert "pipx" in readme
