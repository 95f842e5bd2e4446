"""A throwaway PostgreSQL cluster for tests and benchmarks: temporary directory, free port.

    with running_cluster() as cluster:          # initdb + `pg_ctl start -w`
        url = cluster.url("postgres")           # postgresql://admin:<pw>@127.0.0.1:<port>/postgres
        ...                                     # on exit: `pg_ctl stop`, directory removed

The cluster listens on 127.0.0.1 only, with password (scram-sha-256) authentication for a
superuser `admin` whose password is random per cluster, and with durability off (fsync,
synchronous_commit, full_page_writes): it is thrown away at the end.

Binaries: `initdb`, `pg_ctl` and `postgres` from the PATH, else from the newest
`/usr/lib/postgresql/*/bin` (Debian's layout). When they are missing, `PostgresUnavailable`
says how to install them; tests never skip for that (`.ci/run` installs them).

Root: the server refuses to run as root, and CI runs as root. Then every server command runs
as an unprivileged system user through `runuser -u USER --` (or `setpriv` where `runuser`
is missing): the `postgres` user that Debian's packages create, else `newsbot-pg`, created
once with `useradd --system --no-create-home --shell /usr/sbin/nologin newsbot-pg`. The
temporary directory is made under a world-traversable parent and handed to that user.

No orphan server: besides the normal stop (also on error, Ctrl-C), a small watchdog process
holds a pipe from the owning process; when the owner dies without stopping the cluster
(SIGKILL, crash), the pipe closes and the watchdog stops the server and removes the
directory.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import quote

ADMIN_USER: Final = "admin"
FALLBACK_USER: Final = "newsbot-pg"
START_TIMEOUT_SECONDS: Final = 60
START_ATTEMPTS: Final = 3  # another process may take the free port before the server binds

_BINARIES: Final = ("initdb", "pg_ctl", "postgres")
_DEBIAN_GLOB: Final = "/usr/lib/postgresql/*/bin"

# Throwaway cluster: no durability, small footprint, logs to a file in the directory.
_SETTINGS: Final = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "shared_buffers": "64MB",
    "max_wal_size": "1GB",
    "checkpoint_timeout": "30min",
    "log_min_messages": "warning",
    "log_min_error_statement": "panic",  # tests provoke errors on purpose
    "timezone": "'UTC'",
}

# Run by the watchdog: waits for EOF on stdin (the owner died or finished), then stops the
# server if its directory is still there and removes the directory.
_WATCHDOG: Final = """
import os, shutil, subprocess, sys
sys.stdin.buffer.read()
command, data, base = sys.argv[1:-2], sys.argv[-2], sys.argv[-1]
if os.path.exists(os.path.join(data, "postmaster.pid")):
    subprocess.run([*command, "stop", "-D", data, "-m", "immediate", "-w"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
shutil.rmtree(base, ignore_errors=True)
"""


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL server binaries are missing or the cluster could not start."""


@dataclass(frozen=True)
class Binaries:
    """Where `initdb`, `pg_ctl` and `postgres` are."""

    initdb: Path
    pg_ctl: Path
    postgres: Path

    def version(self) -> str:
        """Return the server's version line, e.g. `postgres (PostgreSQL) 15.18 (...)`."""
        return subprocess.run(
            [str(self.postgres), "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()


def find_binaries(path: str | None = None, debian_glob: str = _DEBIAN_GLOB) -> Binaries:
    """Find the server binaries on `path` (default: PATH), else in the newest Debian folder."""
    found = {name: shutil.which(name, path=path) for name in _BINARIES}
    if all(found.values()):
        return Binaries(*(Path(str(found[name])) for name in _BINARIES))
    folders = sorted(
        (folder for folder in Path("/").glob(debian_glob.lstrip("/")) if folder.is_dir()),
        key=_version_key,
        reverse=True,
    )
    for folder in folders:
        if all((folder / name).is_file() for name in _BINARIES):
            return Binaries(*(folder / name for name in _BINARIES))
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found on PATH nor in "
        f"{debian_glob}: install them (Debian: apt-get install postgresql-15 "
        "postgresql-contrib; .ci/run does it)"
    )


def _version_key(folder: Path) -> tuple[int, ...]:
    """Order `/usr/lib/postgresql/<version>/bin` folders by version."""
    digits = folder.parent.name.split(".")
    return tuple(int(part) for part in digits if part.isdigit())


def server_user() -> str | None:
    """Return the unprivileged user to run the server as when we are root, else None.

    Creates the `newsbot-pg` system user when neither it nor `postgres` exists.
    """
    if os.geteuid() != 0:
        return None
    for name in ("postgres", FALLBACK_USER):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    subprocess.run(
        [
            "useradd",
            "--system",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            FALLBACK_USER,
        ],
        check=True,
        capture_output=True,
    )
    return FALLBACK_USER


def _as_user(user: str | None) -> list[str]:
    """Return the command prefix that runs a program as `user` (nothing when None)."""
    if user is None:
        return []
    if shutil.which("runuser"):
        return ["runuser", "-u", user, "--"]
    entry = pwd.getpwnam(user)
    return ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--init-groups"]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Cluster:
    """A running throwaway cluster; `running_cluster()` makes one."""

    base: Path
    port: int
    password: str
    binaries: Binaries
    user: str | None  # the system user the server runs as (None: ourselves)
    host: str = "127.0.0.1"
    admin: str = ADMIN_USER
    start_seconds: float = 0.0  # initdb + start, measured
    _watchdog: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def data(self) -> Path:
        """Return the data directory."""
        return self.base / "data"

    @property
    def log(self) -> Path:
        """Return the server's log file."""
        return self.base / "server.log"

    def url(self, database: str = "postgres", *, password: str | None = None) -> str:
        """Return a `postgresql://` URL for the superuser on `database`."""
        secret = quote(self.password if password is None else password, safe="")
        return f"postgresql://{self.admin}:{secret}@{self.host}:{self.port}/{database}"

    def pg_ctl(self, *arguments: str, timeout: float = START_TIMEOUT_SECONDS) -> None:
        """Run `pg_ctl ARGUMENTS -D data` as the server's user; raise with its log on error."""
        command = [*_as_user(self.user), str(self.binaries.pg_ctl), *arguments]
        command += ["-D", str(self.data)]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
        if result.returncode != 0:
            raise PostgresUnavailable(
                f"pg_ctl {arguments[0]} failed ({result.returncode}): "
                f"{result.stderr.strip() or result.stdout.strip()}\n{self.log_tail()}"
            )

    def postmaster_pid(self) -> int:
        """Return the running server's process id (first line of postmaster.pid)."""
        return int((self.data / "postmaster.pid").read_text().splitlines()[0])

    def log_tail(self, lines: int = 20) -> str:
        """Return the last lines of the server log (for error messages)."""
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the server (fast shutdown) if it runs."""
        if (self.data / "postmaster.pid").exists():
            self.pg_ctl("stop", "-m", "fast", "-w")

    def restart(self) -> None:
        """Restart the server on the same port (for reconnection tests)."""
        self.pg_ctl("restart", "-m", "fast", "-w", "-l", str(self.log))


def _make_base(user: str | None, parent: str | None) -> Path:
    """Create the cluster's temporary directory, owned by `user` when given."""
    base = Path(tempfile.mkdtemp(prefix="newsbot-pg-", dir=parent))
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(base, entry.pw_uid, entry.pw_gid)
        # The server's user must reach the directory: every parent must be traversable.
        for ancestor in base.parents:
            if not os.stat(ancestor).st_mode & 0o001:
                shutil.rmtree(base)
                raise PostgresUnavailable(
                    f"{ancestor} is not traversable by the user {user!r} the server runs as;"
                    " set TMPDIR to a folder such as /tmp"
                )
    return base


def _initdb(cluster: Cluster) -> None:
    """Create the data directory with the superuser, its password and our settings."""
    password_file = cluster.base / "pwfile"
    password_file.write_text(cluster.password + "\n")
    if cluster.user is not None:
        entry = pwd.getpwnam(cluster.user)
        os.chown(password_file, entry.pw_uid, entry.pw_gid)
    password_file.chmod(0o600)
    command = [
        *_as_user(cluster.user),
        str(cluster.binaries.initdb),
        "--pgdata",
        str(cluster.data),
        "--username",
        cluster.admin,
        "--pwfile",
        str(password_file),
        "--auth",
        "scram-sha-256",
        "--encoding",
        "UTF8",
        "--locale",
        "C.UTF-8",  # a UTF-8 ctype: lower() and text search fold non-ASCII letters
        "--no-sync",
        "--no-instructions",
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    finally:
        password_file.unlink(missing_ok=True)
    if result.returncode != 0:
        raise PostgresUnavailable(f"initdb failed: {result.stderr.strip()}")
    settings = "".join(f"{name} = {value}\n" for name, value in _SETTINGS.items())
    settings += f"unix_socket_directories = '{cluster.base}'\n"
    with (cluster.data / "postgresql.conf").open("a") as conf:
        conf.write("\n# newsbot test cluster\n" + settings)


def _start_watchdog(cluster: Cluster) -> subprocess.Popen[bytes]:
    """Start the process that cleans up if we die without stopping the cluster."""
    pg_ctl = [*_as_user(cluster.user), str(cluster.binaries.pg_ctl)]
    return subprocess.Popen(
        [sys.executable, "-c", _WATCHDOG, *pg_ctl, str(cluster.data), str(cluster.base)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C to our process group must not kill it first
    )


def start_cluster(parent: str | None = None, binaries: Binaries | None = None) -> Cluster:
    """Create and start a cluster; the caller must `stop_cluster` it (or use the context)."""
    started = time.perf_counter()
    binaries = binaries or find_binaries()
    user = server_user()
    base = _make_base(user, parent)
    cluster = Cluster(
        base=base,
        port=0,
        password=secrets.token_urlsafe(18),
        binaries=binaries,
        user=user,
    )
    try:
        cluster._watchdog = _start_watchdog(cluster)
        _initdb(cluster)
        for attempt in range(1, START_ATTEMPTS + 1):
            cluster.port = free_port()
            try:
                cluster.pg_ctl(
                    "start",
                    "-w",
                    "-t",
                    str(START_TIMEOUT_SECONDS),
                    "-l",
                    str(cluster.log),
                    "-o",
                    f"-p {cluster.port}",
                )
                break
            except PostgresUnavailable:
                if attempt == START_ATTEMPTS:
                    raise
    except BaseException:
        stop_cluster(cluster)
        raise
    cluster.start_seconds = time.perf_counter() - started
    return cluster


def stop_cluster(cluster: Cluster) -> None:
    """Stop the server, remove its directory and dismiss the watchdog."""
    try:
        with contextlib.suppress(PostgresUnavailable, subprocess.TimeoutExpired):
            cluster.stop()
        if (cluster.data / "postmaster.pid").exists():  # a fast stop failed: no mercy
            with contextlib.suppress(PostgresUnavailable, subprocess.TimeoutExpired):
                cluster.pg_ctl("stop", "-m", "immediate", "-w")
        shutil.rmtree(cluster.base, ignore_errors=True)
    finally:
        watchdog = cluster._watchdog
        if watchdog is not None and watchdog.stdin is not None:
            watchdog.stdin.close()  # EOF: the watchdog finds nothing left to do and exits
            watchdog.wait(timeout=30)


@contextlib.contextmanager
def running_cluster(
    parent: str | None = None, binaries: Binaries | None = None
) -> Iterator[Cluster]:
    """Run a throwaway cluster for the duration of the block; see the module docstring."""
    cluster = start_cluster(parent, binaries)
    try:
        yield cluster
    finally:
        stop_cluster(cluster)
