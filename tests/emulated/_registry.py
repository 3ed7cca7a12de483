"""Source MAC → live emulated proxy, looked up by the bleak backends at connect time."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .proxy import EmulatedProxy

PROXIES: dict[str, EmulatedProxy] = {}
