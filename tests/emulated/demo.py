"""A demo strap for a running Home Assistant (the project's run command), outside pytest.

Usage (from a demo custom component whose manifest depends on ``bluetooth``, or a startup hook;
``tests/`` must be importable and bumble installed in HA's environment)::

    from emulated.demo import start_demo_strap

    handle = await start_demo_strap(hass, name="Demo HRM")
    # or, with a chosen morning (RMSSD and mean HR of the stream; `frames.resting_rr_ms`):
    handle = await start_demo_strap(hass, rr_source=resting_rr_ms(rmssd_ms=59.0, hr_bpm=50.4))
    ...
    await handle.close()            # also done automatically on EVENT_HOMEASSISTANT_STOP

It registers one emulated proxy ("emulated-proxy-N", 3 slots) as a remote scanner in HA's
bluetooth manager and one strap that advertises 0x180D every 100 ms. A 1 Hz loop turns the RR
series into 0x2A37 frames (HR from the recent RR, RR in 1/1024 s ticks, contact detected) and
notifies them whenever a central is subscribed; frames due while nobody listens are dropped,
as a real strap does.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from homeassistant.const import EVENT_HOMEASSISTANT_STOP

from .frames import FramePacer, synthetic_rr_ms
from .harness import EmulatedLink

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from homeassistant.core import Event, HomeAssistant

    from .proxy import EmulatedProxy
    from .strap import EmulatedStrap

_LOGGER = logging.getLogger(__name__)
DEMO_ADV_INTERVAL_MS = 100.0


class DemoStrapHandle:
    """Running demo strap; :meth:`close` stops streaming and removes strap and proxy."""

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        link: EmulatedLink,
        proxy: EmulatedProxy,
        strap: EmulatedStrap,
        pacer: FramePacer,
        period_s: float,
    ) -> None:
        """Use :func:`start_demo_strap` instead."""
        self.hass = hass
        self.link = link
        self.proxy = proxy
        self.strap = strap
        self.pacer = pacer
        self.period_s = period_s
        self.frames_sent = 0
        self._task: asyncio.Task[None] | None = None
        self._unsub_stop: Callable[[], None] | None = None
        self._closed = False

    @property
    def address(self) -> str:
        """The strap's BLE address."""
        return self.strap.address

    def _start(self) -> None:
        self._task = self.hass.async_create_background_task(
            self._stream(), f"emulated demo strap {self.strap.address}"
        )
        self._unsub_stop = self.hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, self._on_stop)

    async def _on_stop(self, _event: Event) -> None:
        self._unsub_stop = None
        await self.close()

    async def _stream(self) -> None:
        loop = asyncio.get_running_loop()
        next_tick = loop.time()
        while True:
            next_tick += self.period_s
            await asyncio.sleep(max(0.0, next_tick - loop.time()))
            frame = self.pacer.next_frame()  # the strap's clock runs whether or not anyone listens
            if self.strap.is_subscribed():
                try:
                    await self.strap.notify(frame)
                    self.frames_sent += 1
                except Exception:
                    _LOGGER.debug("demo strap: notify failed", exc_info=True)

    async def close(self) -> None:
        """Stop streaming, disconnect, stop advertising, unregister the proxy."""
        if self._closed:
            return
        self._closed = True
        if self._unsub_stop is not None:
            self._unsub_stop()
            self._unsub_stop = None
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise
            self._task = None
        await self.link.close()


async def start_demo_strap(
    hass: HomeAssistant,
    *,
    name: str = "Demo HRM",
    rr_source: Iterable[float] | None = None,
    seed: int = 1,
    period_s: float = 1.0,
    slots: int = 3,
) -> DemoStrapHandle:
    """Register an emulated proxy in ``hass`` and start a streaming demo strap.

    Args:
        hass: a running HA with the ``bluetooth`` integration loaded.
        name: advertised local name.
        rr_source: RR intervals in ms, oldest first (e.g. a recorded night); when exhausted
            (or when ``None``) the deterministic synthetic resting series is used
            (≈ 57 bpm with respiratory sinus arrhythmia; ``seed``).
        seed: seed of the synthetic series.
        period_s: notification period (1.0 = real time; smaller only for fast demos/tests).
        slots: connection slots of the emulated proxy.
    """
    if "bluetooth" not in hass.config.components:
        msg = "start_demo_strap needs the bluetooth integration to be set up first"
        raise RuntimeError(msg)
    link = EmulatedLink()
    try:
        proxy = await link.add_proxy(hass, slots=slots, name="emulated-demo-proxy")
        strap = await link.add_strap(
            name=name, serial="DEMO0001", adv_interval_ms=DEMO_ADV_INTERVAL_MS, advertise=True
        )
    except BaseException:
        await link.close()
        raise
    synthetic = synthetic_rr_ms(seed=seed)
    pacer = FramePacer(
        iter(rr_source) if rr_source is not None else synthetic, contact=True, fallback=synthetic
    )
    handle = DemoStrapHandle(
        hass, link=link, proxy=proxy, strap=strap, pacer=pacer, period_s=period_s
    )
    handle._start()
    _LOGGER.info("Emulated demo strap %s (%s) advertising via %s", name, strap.address, proxy.name)
    return handle
