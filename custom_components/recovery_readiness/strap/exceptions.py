"""Exceptions of the strap package.

Callers catch `StrapError`; `StrapConnectionError` wraps every bleak error, and
`StrapOutOfSlotsError` singles out "no free connection slot" so the integration can back off
longer and raise a repair issue (ble-heart-rate.md §5.4).
"""

from __future__ import annotations


class StrapError(Exception):
    """Base class of every error raised by the strap package."""


class StrapConnectionError(StrapError):
    """Connecting to, or talking to, the strap failed.

    The original bleak exception is chained as ``__cause__``.
    """

    out_of_slots: bool = False
    """True when no adapter or proxy had a free connection slot."""


class StrapOutOfSlotsError(StrapConnectionError):
    """No Bluetooth adapter or proxy in range had a free connection slot.

    Raised when bleak-retry-connector gives up with ``BleakOutOfConnectionSlotsError``
    (after about 9 attempts, 36 s). Back off for minutes, not seconds.
    """

    out_of_slots = True


class ProtocolError(StrapError, ValueError):
    """A characteristic value cannot be decoded (e.g. no heart rate can be read)."""
