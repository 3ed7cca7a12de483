"""When to (re)connect a strap: bounded back-off, out-of-slot cool-down, advert freshness.

The policy holds no link and does no I/O; the coordinator asks it before every connect and
reports every outcome (../shared/docs/ble-heart-rate.md §5.4, §6.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

RETRY_BACKOFF_S: Final = (5.0, 10.0, 20.0, 40.0, 60.0)
"""Quiet time after consecutive failed connects; the last repeats (bounded back-off)."""
OUT_OF_SLOTS_COOLDOWN_S: Final = 300.0
"""Quiet time after no adapter or proxy in range had a free connection slot."""
OUT_OF_SLOTS_ISSUE_AFTER: Final = 3
"""Consecutive out-of-slot failures before the repair issue appears (§5.4)."""


@dataclass(slots=True)
class ReconnectPolicy:
    """Back-off state of one strap; times are monotonic seconds."""

    failures: int = 0
    out_of_slots: int = 0
    not_before_t: float = 0.0
    advert_after_t: float = 0.0

    def may_connect(self, now_t: float) -> bool:
        """No attempt while backing off."""
        return now_t >= self.not_before_t

    def advert_is_new(self, advert_t: float) -> bool:
        """An advert seen after the link was lost (or after the last failure)."""
        return advert_t > self.advert_after_t

    def link_lost(self, now_t: float) -> None:
        """Reconnect on the strap's next advert, not on one seen before the loss."""
        self.advert_after_t = now_t

    def succeeded(self) -> None:
        """A connect worked: forget every failure."""
        self.failures = self.out_of_slots = 0
        self.not_before_t = self.advert_after_t = 0.0

    def failed(self, now_t: float) -> float:
        """A connect failed: back off 5, 10, 20, 40, then 60 s; return the delay."""
        self.failures += 1
        self.out_of_slots = 0
        delay = RETRY_BACKOFF_S[min(self.failures, len(RETRY_BACKOFF_S)) - 1]
        self._back_off(now_t, delay)
        return delay

    def failed_unexpectedly(self, now_t: float) -> float:
        """A bug or an unforeseen library error: never spin on it (longest back-off)."""
        self.failures += 1
        self._back_off(now_t, RETRY_BACKOFF_S[-1])
        return RETRY_BACKOFF_S[-1]

    def out_of_slots_failed(self, now_t: float) -> bool:
        """No free slot: cool down 5 min; return whether the repair issue is due."""
        self.out_of_slots += 1
        self.failures += 1
        self._back_off(now_t, OUT_OF_SLOTS_COOLDOWN_S)
        return self.out_of_slots >= OUT_OF_SLOTS_ISSUE_AFTER

    def _back_off(self, now_t: float, delay_s: float) -> None:
        """No attempt before ``delay_s``, and then only on an advert newer than this failure."""
        self.not_before_t = now_t + delay_s
        self.advert_after_t = now_t
