"""pytest fixtures for the emulated strap on HA's real bluetooth stack.

In a test module (``tests/`` must be on ``sys.path``; tests/integration/conftest.py does it)::

    pytest_plugins = ["emulated.fixtures"]

or in a conftest: ``from emulated.fixtures import emulated_link, emulated_proxy, emulated_strap``.
Straps added with ``emulated_link.add_strap()`` and proxies with ``emulated_link.add_proxy(hass)``
are torn down with the link (disconnect, stop advertising, power off; no lingering timer).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .harness import EmulatedLink, wait_until_seen

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator

    from homeassistant.core import HomeAssistant

    from .proxy import EmulatedProxy
    from .strap import EmulatedStrap


@pytest.fixture
async def emulated_link(
    hass: HomeAssistant, enable_custom_integrations: None, enable_bluetooth: None
) -> AsyncGenerator[EmulatedLink]:
    """A bumble LocalLink; everything added to it is torn down (no lingering timers).

    ``enable_custom_integrations`` is requested before ``enable_bluetooth`` on purpose: HA's
    bluetooth integration reads the discovery matchers (manifest ``bluetooth``) once, at
    setup; set up before custom integrations are enabled it never starts our config flow.
    (An autouse fixture that already set up bluetooth earlier wins over this order.)
    """
    link = EmulatedLink()
    try:
        yield link
    finally:
        await link.close()
        await hass.async_block_till_done()


@pytest.fixture
async def emulated_proxy(hass: HomeAssistant, emulated_link: EmulatedLink) -> EmulatedProxy:
    """A 3-slot proxy registered in HA's bluetooth manager, scanning."""
    return await emulated_link.add_proxy(hass, slots=3)


@pytest.fixture
async def emulated_strap(
    hass: HomeAssistant, emulated_link: EmulatedLink, emulated_proxy: EmulatedProxy
) -> EmulatedStrap:
    """A strap that is worn: advertising and already seen by HA (connectable)."""
    strap = await emulated_link.add_strap(advertise=True)
    await wait_until_seen(hass, strap.address)
    return strap
