"""Faults injected on demand into the next create requests (`POST /_sandbox/faults`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

# http_429 / http_500: answer that at once, create nothing.
# hang: wait `seconds`, then answer 500, create nothing.
# timeout_after_create: create the message (it is sent), wait `seconds`, then answer 500 —
#   the ambiguous outcome a client must reconcile instead of resending.
FaultMode = Literal["http_429", "http_500", "hang", "timeout_after_create"]
FAULT_MODES: tuple[str, ...] = get_args(FaultMode)
MAX_FAULT_SECONDS = 300.0


@dataclass
class Fault:
    """`remaining` more create requests (to `to` only, when set) fail with `mode`."""

    mode: FaultMode
    remaining: int
    seconds: float = 20.0
    to: str | None = None

    def applies_to(self, to: str | None) -> bool:
        return self.remaining > 0 and (self.to is None or self.to == to)


@dataclass(frozen=True)
class InjectedFault:
    mode: FaultMode
    seconds: float


class FaultPlan:
    """A FIFO of faults; each create request consumes one unit of the first that applies."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(
        self, mode: FaultMode, count: int = 1, seconds: float = 20.0, to: str | None = None
    ) -> Fault:
        if mode not in FAULT_MODES:
            raise ValueError(f"unknown fault mode {mode!r}")
        if count < 1:
            raise ValueError("count must be at least 1")
        if not 0 <= seconds <= MAX_FAULT_SECONDS:
            raise ValueError(f"seconds must be within 0..{MAX_FAULT_SECONDS:g}")
        fault = Fault(mode, count, seconds, to)
        self._faults.append(fault)
        return fault

    def take(self, to: str | None) -> InjectedFault | None:
        """The fault this request gets, if any (and count it as used)."""
        for fault in self._faults:
            if fault.applies_to(to):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return InjectedFault(fault.mode, fault.seconds)
        return None

    def pending(self) -> list[Fault]:
        return list(self._faults)

    def clear(self) -> None:
        self._faults.clear()
