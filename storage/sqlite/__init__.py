"""The SQLite engine (aiosqlite): one connection, migrations, repositories and search."""
