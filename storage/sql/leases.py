"""`LeaseRepository` in shared SQL: named leases with an expiry on the database's clock."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Any

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
            await self._session.execute("UPDATE send_budget SET places = 0 WHERE holder = ''")
            rows = [
                _BudgetRow.of(row)
                for row in await self._session.fetchall(
                    "SELECT holder, places, wants, weight, cooling, cooling_until, expires_at, "
                    f"{clock} AS now FROM send_budget"
                )
            ]
            now = rows[0].now  # the '' row is always there
            rows = [row for row in rows if row.holder]
            own = next((row for row in rows if row.holder == holder), _BudgetRow(holder))
            others = [row for row in rows if row.holder != holder]
            held = own.held(now)
            given = max(0, held - max(0, keep))
            held -= given
            cooled, cooled_until = own.cooling_at(now), own.cooling_until
            if given:
                cooled, cooled_until = cooled + given, max(cooled_until, now + _micros(cooling))
            demands = {row.holder: (row.wants, row.weight) for row in others if row.live(now)}
            demands[holder] = (wants, weight)
            share = fair_shares(capacity, demands).get(holder, 0)
            taken = sum(row.held(now) + row.cooling_at(now) for row in others) + held + cooled
            held += max(0, min(share - held, capacity - taken))
            await self._session.execute(
                "INSERT INTO send_budget "
                "(holder, places, wants, weight, cooling, cooling_until, expires_at) "
                "VALUES (:holder, :places, :wants, :weight, :cooling, :until, :expires) "
                "ON CONFLICT (holder) DO UPDATE SET places = excluded.places, "
                "wants = excluded.wants, weight = excluded.weight, "
                "cooling = excluded.cooling, cooling_until = excluded.cooling_until, "
                "expires_at = excluded.expires_at",
                {
                    "holder": holder,
                    "places": held,
                    "wants": max(0, wants),
                    "weight": max(1, weight),
                    "cooling": cooled,
                    "until": cooled_until,
                    "expires": now + _micros(seconds),
                },
            )
            if any(row.dead(now) for row in others):
                await self._session.execute(
                    "DELETE FROM send_budget WHERE holder <> '' "
                    "AND expires_at <= :now AND cooling_until <= :now",
                    {"now": now},
                )
        return held, share


def _micros(seconds: float) -> int:
    """Return `seconds` in microseconds of the database's clock."""
    return round(seconds * _MICROS)


@dataclass(frozen=True, slots=True)
class _BudgetRow:
    """A process's row of `send_budget` (expiries in microseconds of the database's clock)."""

    holder: str
    places: int = 0
    wants: int = 0
    weight: int = 1
    cooling: int = 0
    cooling_until: int = 0
    expires_at: int = 0
    now: int = 0

    @classmethod
    def of(cls, row: Any) -> _BudgetRow:
        """Read a row."""
        numbers = ("places", "wants", "weight", "cooling", "cooling_until", "expires_at", "now")
        return cls(str(row["holder"]), *(int(row[key]) for key in numbers))

    def live(self, now: int) -> bool:
        """Tell whether the process still holds its places (it settled in time)."""
        return self.expires_at > now

    def held(self, now: int) -> int:
        """Return the places the process holds now."""
        return self.places if self.live(now) else 0

    def cooling_at(self, now: int) -> int:
        """Return the places it gave back that still count."""
        return self.cooling if self.cooling_until > now else 0

    def dead(self, now: int) -> bool:
        """Tell whether nothing of the row counts any more (its process is gone)."""
        return not self.live(now) and not self.cooling_at(now)


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
