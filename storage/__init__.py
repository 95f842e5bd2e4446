"""SQLite storage: schema and migrations, one repository per aggregate, and search.

Entry points: `open_database(path)` → `Database` (repositories as attributes, transactions,
backup), `search_articles(db, query)`, the records in `news.entities`, the contract in
`storage.protocols` and the errors in `storage.errors`.
"""
