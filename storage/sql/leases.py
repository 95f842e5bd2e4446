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

    async def settle_budget(
        self,
        holder: str,
        *,
        wants: int,
        weight: int,
        keep: int,
        capacity: int,
        seconds: float,
        cooling: float,
    ) -> tuple[int, int]:
        clock = self._session.dialect.clock()
        async with self._session.transaction():
            # The anchor row's lock (taken by this write, held to the commit) serialises
            # every settlement; each statement after it reads what the others committed.
            await self._session.execute(
                "INSERT INTO send_budget (holder, places, wants, weight, expires_at) "
                "VALUES ('', 0, 0, 1, 0) ON CONFLICT (holder) DO UPDATE SET places = 0"
            )
            await self._session.execute(
                f"DELETE FROM send_budget WHERE holder <> '' AND expires_at <= {clock}"
            )
            rows = await self._session.fetchall(
                f"SELECT holder, places, wants, weight, {clock} AS now FROM send_budget "
                "WHERE holder <> ''"
            )
            now = int(rows[0]["now"]) if rows else 0
            held = next((int(r["places"]) for r in rows if r["holder"] == holder), 0)
            others = [r for r in rows if r["holder"] != holder]
            given = max(0, held - max(0, keep))
            held -= given
            demands = {
                str(r["holder"]): (int(r["wants"]), int(r["weight"]))
                for r in others
                if not str(r["holder"]).startswith(COOLING_PREFIX)
            }
            demands[holder] = (wants, weight)
            share = fair_shares(capacity, demands).get(holder, 0)
            taken = sum(int(r["places"]) for r in others) + held + given
            held += max(0, min(share - held, capacity - taken))
            if given:
                await self._session.execute(
                    "INSERT INTO send_budget (holder, places, wants, weight, expires_at) "
                    f"VALUES (:name, :places, 0, 1, {clock} + :ttl)",
                    {
                        "name": f"{COOLING_PREFIX}{holder}:{now}",
                        "places": given,
                        "ttl": round(cooling * _MICROS),
                    },
                )
            await self._session.execute(
                "INSERT INTO send_budget (holder, places, wants, weight, expires_at) "
                f"VALUES (:holder, :places, :wants, :weight, {clock} + :ttl) "
                "ON CONFLICT (holder) DO UPDATE SET places = excluded.places, "
                "wants = excluded.wants, weight = excluded.weight, "
                "expires_at = excluded.expires_at",
                {
                    "holder": holder,
                    "places": held,
                    "wants": max(0, wants),
                    "weight": max(1, weight),
                    "ttl": round(seconds * _MICROS),
                },
            )
        return held, share


COOLING_PREFIX = "cooling:"
"""Rows of places given back: counted until they expire, then free."""


def fair_shares(capacity: int, demands: dict[str, tuple[int, int]]) -> dict[str, int]:
    """Divide `capacity` among holders by their (wants, weight): in proportion to the
    weights, none above what it wants, what one leaves going to the others (weighted
    max-min fairness); anyone wanting a place gets at least one while any is left. Ties
    in holder order, so every process computes the same division."""
    left = capacity
    weights = sum(max(1, weight) for _, weight in demands.values())
    shares: dict[str, int] = {}
    order = sorted(demands.items(), key=lambda d: (d[1][0] / max(1, d[1][1]), d[0]))
    for name, (wants, weight) in order:
        weight = max(1, weight)
        part = min(max(0, wants), max(1, left * weight // weights), left)
        shares[name] = part
        left -= part
        weights -= weight
    return shares
