"""The PostgreSQL engine (`DATABASE_URL=postgresql://…`), for several bot processes on one store.

`session` holds the asyncpg pool every repository shares: task-aware transactions that pin
one pooled connection, `:name` parameters, driver errors translated into `storage.errors`,
and `open_pool(url)`, which names a wrong URL's problem in one line. The driver was chosen
by measurement: see docs/postgresql.md.
"""
