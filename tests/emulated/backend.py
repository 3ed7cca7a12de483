"""Pick the bumble-backed bleak backend matching the installed bleak (0.22 vs >= 1)."""

from __future__ import annotations

from importlib.metadata import version

BLEAK_MAJOR = int(version("bleak").split(".", 1)[0])

if BLEAK_MAJOR >= 1:
    from .backend_bleak1 import LinkBleakClient
else:  # HA 2025.4.x pins bleak 0.22.3
    from .backend_bleak022 import LinkBleakClient  # type: ignore[assignment]

__all__ = ["BLEAK_MAJOR", "LinkBleakClient"]
