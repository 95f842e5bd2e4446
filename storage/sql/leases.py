"""`LeaseRepository` in shared SQL: named leases with an expiry on the database's clock."""

from __future__ import annotations

import builtins

from storage.sql.session import Session

_MICROS = 1_000_000


class SQLLeaseRepository:
    """Rows of `leases`: one holder per name until it releases it or the lease expires."""

    def __init__(self, session: Session) -> None:
        """Use the shared session."""
        self._session = session

    async def acquire(self, name: str, holder: str, *, seconds: float) -> bool:
        clock = self._session.dialect.clock()
        # One statement: a new name is inserted; a held one is taken over only when it is
        # ours already or expired. Two processes racing for a name meet on its primary key.
        rows = await self._session.fetchall(
            "INSERT INTO leases (name, holder, expires_at) "
            f"VALUES (:name, :holder, {clock} + :ttl) "
            "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
            "expires_at = excluded.expires_at "
            f"WHERE leases.holder = excluded.holder OR leases.expires_at <= {clock} "
            "RETURNING holder",
            {"name": name, "holder": holder, "ttl": round(seconds * _MICROS)},
        )
        return bool(rows)

    async def renew(self, holder: str, *, seconds: float) -> builtins.list[str]:
        clock = self._session.dialect.clock()
        rows = await self._session.fetchall(
            f"UPDATE leases SET expires_at = {clock} + :ttl "
            f"WHERE holder = :holder AND expires_at > {clock} RETURNING name",
            {"holder": holder, "ttl": round(seconds * _MICROS)},
        )
        return sorted(str(row["name"]) for row in rows)

    async def release(self, name: str, holder: str) -> bool:
        changed = await self._session.execute(
            "DELETE FROM leases WHERE name = :name AND holder = :holder",
            {"name": name, "holder": holder},
        )
        return changed > 0

    async def release_all(self, holder: str | None = None) -> int:
        return await self._session.execute(
            "DELETE FROM leases WHERE CAST(:holder AS TEXT) IS NULL OR holder = :holder",
            {"holder": holder},
        )

    async def holders(self, prefix: str) -> dict[str, str]:
        clock = self._session.dialect.clock()
        rows = await self._session.fetchall(
            f"SELECT name, holder FROM leases WHERE expires_at > {clock} "
            "AND substr(name, 1, :length) = :prefix ORDER BY name",
            {"prefix": prefix, "length": len(prefix)},
        )
        return {str(row["name"]): str(row["holder"]) for row in rows}
