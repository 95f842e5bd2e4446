"""The asyncpg session: parameters, transactions on a pool, translated errors, open_pool."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import asyncpg
import pytest

from storage.errors import AlreadyExistsError, ConstraintError, DatabaseError
from storage.postgresql import session as session_module
from storage.postgresql.session import Session, open_pool, open_session, to_positional
from tests.support.postgres import free_port

SCHEMA = (
    "CREATE TABLE parents (id integer PRIMARY KEY, name text NOT NULL UNIQUE)",
    "CREATE TABLE children (id serial PRIMARY KEY, parent_id integer NOT NULL "
    "REFERENCES parents (id), age integer CHECK (age >= 0))",
)


@pytest.fixture
async def session(postgres_url):
    """A session on a fresh database with two small tables."""
    opened = await open_session(postgres_url, max_size=4)
    for statement in SCHEMA:
        await opened.execute(statement)
    try:
        yield opened
    finally:
        await opened.close()


async def backend(session: Session) -> int:
    """Return the server process id of the connection the statement ran on."""
    row = await session.fetchone("SELECT pg_backend_pid() AS pid")
    assert row is not None
    pid: int = row["pid"]
    return pid


async def names(session: Session) -> list[str]:
    """Return the parents' names, in id order."""
    return [row["name"] for row in await session.fetchall("SELECT name FROM parents ORDER BY id")]


# --- :name parameters ---------------------------------------------------------------------


def test_named_parameters_become_positional_and_repeats_share_a_number():
    sql, order = to_positional("SELECT * FROM t WHERE a = :a AND b > :b OR a < :a")
    assert sql == "SELECT * FROM t WHERE a = $1 AND b > $2 OR a < $1"
    assert order == ("a", "b")


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT ':x', 'it''s :y' FROM t",
        "SELECT E'\\' :x' FROM t",
        'SELECT "col:x" FROM t',
        "SELECT 1 -- where :x\n",
        "SELECT 1 /* :x\n :y */",
        "SELECT $$ :x $$, $body$ :y $$ :z $body$",
        "SELECT $1, $2 FROM t",
        "SELECT now()::text, '1'::int",
        "SELECT a[1:2] FROM t",
    ],
)
def test_parameters_are_not_looked_for_in_literals_names_comments_and_casts(sql):
    assert to_positional(sql) == (sql, ())


def test_the_conversion_is_cached_per_statement_text():
    sql = "SELECT :only_once"
    assert to_positional(sql) is to_positional(sql)


async def test_statements_take_named_or_positional_parameters(session):
    assert (
        await session.execute("INSERT INTO parents VALUES (:id, :name)", {"id": 1, "name": "a"})
        == 1
    )
    assert await session.execute("INSERT INTO parents VALUES ($1, $2)", (2, "b")) == 1
    row = await session.fetchone("SELECT id, name FROM parents WHERE name = :name", {"name": "b"})
    assert row is not None
    assert (row["id"], row[1]) == (2, "b")
    assert await session.fetchone("SELECT id FROM parents WHERE id = :id", {"id": 9}) is None


async def test_a_missing_parameter_is_a_database_error(session):
    with pytest.raises(DatabaseError, match=":name"):
        await session.execute("INSERT INTO parents VALUES (:id, :name)", {"id": 1})


async def test_execute_counts_changed_rows_and_minus_one_for_others(session):
    await session.executemany(
        "INSERT INTO parents VALUES (:id, :name)",
        [{"id": n, "name": f"p{n}"} for n in range(1, 6)],
    )
    assert (
        await session.execute("UPDATE parents SET name = name || '!' WHERE id > :id", {"id": 2})
        == 3
    )
    assert await session.execute("DELETE FROM parents WHERE id = 1") == 1
    assert await session.execute("SELECT 1") == -1
    assert await session.execute("CREATE INDEX parents_name ON parents (name)") == -1
    assert await names(session) == ["p2", "p3!", "p4!", "p5!"]
    await session.executemany("INSERT INTO parents VALUES (:id, :name)", [])


# --- errors -------------------------------------------------------------------------------


async def test_a_taken_unique_key_is_already_exists(session):
    await session.execute("INSERT INTO parents VALUES (1, 'a')")
    with pytest.raises(AlreadyExistsError, match="parents_name_key"):
        await session.execute("INSERT INTO parents VALUES (2, 'a')")
    with pytest.raises(AlreadyExistsError):
        await session.executemany("INSERT INTO parents VALUES (:id, 'b')", [{"id": 1}])


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO children (parent_id, age) VALUES (42, 1)",  # foreign key
        "INSERT INTO children (parent_id, age) VALUES (1, -1)",  # check
        "INSERT INTO children (parent_id, age) VALUES (NULL, 1)",  # not null
    ],
)
async def test_other_integrity_errors_are_constraint_errors(session, sql):
    await session.execute("INSERT INTO parents VALUES (1, 'a')")
    with pytest.raises(ConstraintError):
        await session.execute(sql)


async def test_other_server_errors_are_database_errors(session):
    with pytest.raises(DatabaseError, match="division by zero"):
        await session.fetchall("SELECT 1 / 0")
    with pytest.raises(DatabaseError, match="does not exist"):
        await session.fetchall("SELECT * FROM nowhere")


async def test_the_password_never_appears_in_an_error(postgres_server, postgres_url):
    password = postgres_server.cluster.password
    session = await open_session(postgres_url)
    try:
        with pytest.raises(DatabaseError) as caught:
            await session.execute(f"DO $$BEGIN RAISE EXCEPTION 'leak {password}'; END$$")
    finally:
        await session.close()
    assert password not in str(caught.value)
    assert "leak ***" in str(caught.value)


async def test_a_lost_connection_is_a_database_error_and_the_pool_reconnects(
    postgres_server, postgres_url
):
    session = await open_session(postgres_url, min_size=1, max_size=1)
    admin = await asyncpg.connect(postgres_server.admin_url)
    pids: list[int] = []

    async def killed_midway() -> None:
        async with session.transaction():
            pids.append(await backend(session))
            # Ends the backend and waits (up to 10 s) until it is gone.
            assert await admin.fetchval("SELECT pg_terminate_backend($1, 10000)", pids[0])
            await session.fetchall("SELECT 1")

    try:
        with pytest.raises(DatabaseError, match="connection"):
            await killed_midway()
        assert await backend(session) != pids[0]
    finally:
        await admin.close()
        await session.close()


async def test_a_closed_session_says_the_database_is_closed(postgres_url):
    session = await open_session(postgres_url)
    await session.close()
    with pytest.raises(DatabaseError, match="the database is closed"):
        await session.fetchall("SELECT 1")


# --- transactions -------------------------------------------------------------------------


async def insert_in_transaction(session: Session, *parents: tuple[int, str]) -> None:
    """Insert parents (id, name) in one transaction."""
    async with session.transaction():
        for number, name in parents:
            await session.execute(
                "INSERT INTO parents VALUES (:n, :name)", {"n": number, "name": name}
            )


async def test_a_transaction_commits_or_rolls_back_as_a_whole(session):
    async with session.transaction():
        await session.execute("INSERT INTO parents VALUES (1, 'kept')")
    with pytest.raises(AlreadyExistsError):
        await insert_in_transaction(session, (2, "dropped"), (3, "kept"))
    assert await names(session) == ["kept"]


async def test_a_nested_transaction_is_a_savepoint(session):
    async with session.transaction():
        await session.execute("INSERT INTO parents VALUES (1, 'outer')")
        with pytest.raises(AlreadyExistsError):
            await insert_in_transaction(session, (2, "inner"), (3, "outer"))
        async with session.transaction():
            await session.execute("INSERT INTO parents VALUES (4, 'second')")
    assert await names(session) == ["outer", "second"]


async def test_a_transaction_pins_one_connection_and_other_tasks_use_others(session):
    opened, checked = asyncio.Event(), asyncio.Event()

    async def writer() -> int:
        async with session.transaction():
            await session.execute("INSERT INTO parents VALUES (1, 'pending')")
            pid = await backend(session)
            assert await backend(session) == pid
            opened.set()
            await checked.wait()  # the transaction stays open while the reader looks
        return pid

    async def reader() -> int:
        await opened.wait()
        try:
            assert await names(session) == []  # not blocked, and no uncommitted row seen
            return await backend(session)
        finally:
            checked.set()

    writer_pid, reader_pid = await asyncio.gather(writer(), reader())
    assert writer_pid != reader_pid
    assert await names(session) == ["pending"]


async def test_two_transactions_are_open_at_once_on_two_connections(session):
    both_open = asyncio.Barrier(2)

    async def transaction(number: int) -> None:
        async with session.transaction():
            await session.execute(
                "INSERT INTO parents VALUES (:n, :name)", {"n": number, "name": f"t{number}"}
            )
            await both_open.wait()

    await asyncio.gather(transaction(1), transaction(2))
    assert await names(session) == ["t1", "t2"]


async def test_tasks_started_inside_a_transaction_join_it(session):
    async with session.transaction():
        await session.execute("INSERT INTO parents VALUES (1, 'uncommitted')")
        seen = await asyncio.gather(*(names(session) for _ in range(3)))
        await asyncio.gather(
            *(
                session.execute(
                    "INSERT INTO children (parent_id, age) VALUES (1, :age)", {"age": age}
                )
                for age in range(3)
            )
        )
    assert seen == [["uncommitted"]] * 3
    assert (await session.fetchone("SELECT count(*) AS n FROM children"))["n"] == 3


async def test_a_task_outliving_its_transaction_uses_a_free_connection(session):
    finished = asyncio.Event()

    async def late() -> list[str]:
        await finished.wait()
        return await names(session)

    async with session.transaction():
        await session.execute("INSERT INTO parents VALUES (1, 'committed')")
        straggler = asyncio.create_task(late())
    finished.set()
    assert await straggler == ["committed"]


async def test_a_cancelled_transaction_rolls_back_and_frees_its_connection(postgres_url):
    session = await open_session(postgres_url, min_size=1, max_size=1)
    await session.execute("CREATE TABLE t (id int)")
    inside = asyncio.Event()

    async def stuck() -> None:
        async with session.transaction():
            await session.execute("INSERT INTO t VALUES (1)")
            inside.set()
            await session.fetchall("SELECT pg_sleep(30)")

    try:
        task = asyncio.create_task(stuck())
        await inside.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await session.fetchall("SELECT * FROM t") == []  # the only connection is back
    finally:
        await session.close()


# --- open_pool ----------------------------------------------------------------------------


async def test_open_pool_connects_and_checks_the_server(postgres_url):
    pool = await open_pool(postgres_url)
    try:
        assert await pool.fetchval("SHOW application_name") == "newsbot"
    finally:
        await pool.close()


async def test_an_unreachable_server_is_named(postgres_server):
    url = postgres_server.cluster.url().replace(
        f":{postgres_server.cluster.port}/", f":{free_port()}/"
    )
    with pytest.raises(
        DatabaseError, match=r"^cannot reach PostgreSQL at 127\.0\.0\.1:\d+"
    ) as caught:
        await open_pool(url)
    assert postgres_server.cluster.password not in str(caught.value)
    assert "\n" not in str(caught.value)


async def test_refused_credentials_are_named_without_the_password(postgres_server):
    secret = "s3cret/with:odd@chars"
    url = postgres_server.cluster.url(password=secret)
    assert quote(secret, safe="") in url
    with pytest.raises(DatabaseError, match="refused user 'admin'") as caught:
        await open_pool(url)
    for shown in (secret, quote(secret, safe=""), postgres_server.cluster.password):
        assert shown not in str(caught.value)
    assert caught.value.__cause__ is None


async def test_a_missing_database_is_named(postgres_server):
    with pytest.raises(DatabaseError, match=r"database 'nowhere' does not exist at 127\.0\.0\.1"):
        await open_pool(postgres_server.url("nowhere"))


async def test_a_server_older_than_the_minimum_is_refused(postgres_url, monkeypatch):
    monkeypatch.setattr(session_module, "MINIMUM_SERVER_VERSION", 99)
    with pytest.raises(DatabaseError, match=r"is version 15\.\d+; newsbot needs 99 or newer"):
        await open_pool(postgres_url)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mysql://u:pw@localhost/db", "must start with postgresql://"),
        ("postgresql://u:pw@localhost:notaport/db", "invalid port"),
    ],
)
async def test_a_malformed_url_is_named(url, problem):
    with pytest.raises(DatabaseError, match=problem) as caught:
        await open_pool(url)
    assert "pw" not in str(caught.value)


async def test_a_released_connection_is_not_reset_by_a_round_trip(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    real = asyncpg.Connection.get_reset_query

    def reset_query(connection: asyncpg.Connection) -> str:
        asked.append("reset")
        return real(connection)

    monkeypatch.setattr(asyncpg.Connection, "get_reset_query", reset_query)
    await session.fetchone("SELECT 1")
    async with session.transaction():
        await session.fetchone("SELECT set_config('enable_seqscan', 'off', true)")
    assert asked == []
    # the transaction's setting ended with it, on whichever connection comes next
    settings = await asyncio.gather(*(session.fetchone("SHOW enable_seqscan") for _ in range(8)))
    assert {row[0] for row in settings if row is not None} == {"on"}
