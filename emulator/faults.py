"""Injected faults: the next N calls of a method fail, hang, or lose their connection."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

FaultKind = Literal["error", "hang", "drop", "drop_after"]
FAULT_KINDS: tuple[FaultKind, ...] = ("error", "hang", "drop", "drop_after")
ANY_METHOD = "*"


@dataclass(slots=True)
class Fault:
    """One planned fault.

    kinds: `error` answers with error_code/description (and retry_after or
    migrate_to_chat_id); `hang` never answers (the connection is dropped after
    `hang_seconds` or at shutdown); `drop` closes the connection before the call runs;
    `drop_after` runs the call, then closes the connection without answering.
    """

    method: str
    kind: FaultKind = "error"
    times: int = 1
    error_code: int = 500
    description: str = "Internal Server Error"
    retry_after: int | None = None
    migrate_to_chat_id: int | None = None
    hang_seconds: float = 3600.0

    def to_json(self) -> dict[str, Any]:
        """Return the fault as plain JSON."""
        return asdict(self)


class FaultPlan:
    """The faults waiting to hit calls, in the order they were added."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        """Plan a fault for the next `fault.times` calls of `fault.method`."""
        fault.method = fault.method.lower()
        self._faults.append(fault)

    def clear(self) -> None:
        """Forget every planned fault."""
        self._faults.clear()

    def take(self, method: str) -> Fault | None:
        """Return the fault that hits this call of `method`, spending one of its times."""
        method = method.lower()
        for fault in self._faults:
            if fault.method in (method, ANY_METHOD):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def pending(self) -> list[dict[str, Any]]:
        """Return the planned faults as JSON."""
        return [fault.to_json() for fault in self._faults]
