"""One in-process radio (bumble ``LocalLink``) holding emulated straps and proxies."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from bumble.link import LocalLink
from homeassistant.components import bluetooth

from .proxy import EmulatedProxy
from .strap import EmulatedStrap

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant


class EmulatedLink:
    """Owns a ``LocalLink`` and everything on it; :meth:`close` tears all down in order."""

    def __init__(self) -> None:
        """Create the link (no event loop needed until a device is added)."""
        self.link = LocalLink()  # type: ignore[no-untyped-call]
        self.straps: list[EmulatedStrap] = []
        self.proxies: list[EmulatedProxy] = []

    async def add_proxy(
        self, hass: HomeAssistant | None = None, *, slots: int = 3, **kwargs: Any
    ) -> EmulatedProxy:
        """Add a proxy central; with ``hass`` it is registered in HA and starts scanning."""
        proxy = EmulatedProxy(self.link, slots=slots, **kwargs)
        self.proxies.append(proxy)
        await proxy.start()
        if hass is not None:
            await proxy.register(hass)
        return proxy

    async def add_strap(self, *, advertise: bool = False, **kwargs: Any) -> EmulatedStrap:
        """Add a powered-on strap (see :class:`EmulatedStrap` for the keyword arguments)."""
        strap = EmulatedStrap(self.link, **kwargs)
        self.straps.append(strap)
        await strap.power_on()
        if advertise:
            await strap.start_advertising()
        return strap

    async def close(self) -> None:
        """Stop scanning, drop connections, stop advertising, power off; no timers left."""
        for proxy in self.proxies:
            if proxy.device.powered_on and proxy.device.is_scanning:
                await proxy.device.stop_scanning()
        for strap in self.straps:
            await strap.close()
        for proxy in self.proxies:
            await proxy.close()
        # Let call_soon'd link deliveries and disconnection events run out.
        for _ in range(5):
            await asyncio.sleep(0)
        self.straps.clear()
        self.proxies.clear()


async def wait_until_seen(
    hass: HomeAssistant,
    address: str,
    timeout_s: float = 5.0,
    *,
    connectable: bool = True,
) -> None:
    """Wait until HA's bluetooth manager has a (connectable) ``BLEDevice`` for ``address``."""
    async with asyncio.timeout(timeout_s):
        while bluetooth.async_ble_device_from_address(hass, address, connectable) is None:  # noqa: ASYNC110 - manager has no awaitable for it
            await asyncio.sleep(0.005)
