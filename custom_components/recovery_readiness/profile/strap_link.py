"""The person's linked strap: one beat stream and its connection, whenever its entry is loaded.

The link follows the strap's config entry through `SIGNAL_STRAP_LOADED` (sent by the strap when
it starts and stops), so it is there as soon as the strap is, after a restart or a reload, and
gone the moment the strap unloads. Nothing polls.
"""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from ..const import SIGNAL_STRAP_LOADED
from ..strap_entry import BeatBatch, StrapCoordinator, StrapRuntime


class StrapLink:
    """Follows one strap entry and forwards its beats and connection changes."""

    def __init__(
        self,
        hass: HomeAssistant,
        strap_entry_id: str | None,
        *,
        on_beats: Callable[[BeatBatch], None],
        on_connection: Callable[[bool], None],
    ) -> None:
        """Bind to the linked strap entry (None: no strap linked)."""
        self.hass = hass
        self.strap_entry_id = strap_entry_id
        self._on_beats = on_beats
        self._on_connection = on_connection
        self._strap: StrapCoordinator | None = None
        self._unsubs: list[CALLBACK_TYPE] = []
        self._connected = False

    @property
    def configured(self) -> bool:
        """A strap is linked and its entry exists (loaded or not)."""
        return (
            self.strap_entry_id is not None
            and self.hass.config_entries.async_get_entry(self.strap_entry_id) is not None
        )

    @property
    def strap(self) -> StrapCoordinator | None:
        """The linked strap's coordinator while its entry is loaded."""
        return self._strap

    @property
    def connected(self) -> bool:
        """Whether the linked strap is connected now."""
        return self._strap is not None and self._strap.connected

    @callback
    def async_start(self, entry: ConfigEntry) -> None:
        """Follow the strap for as long as ``entry`` (the person's) is loaded."""
        entry.async_on_unload(
            async_dispatcher_connect(self.hass, SIGNAL_STRAP_LOADED, self._on_strap_loaded)
        )
        entry.async_on_unload(self._drop)
        if self.strap_entry_id is None:
            return
        strap_entry = self.hass.config_entries.async_get_entry(self.strap_entry_id)
        if strap_entry is not None and strap_entry.state is ConfigEntryState.LOADED:
            runtime = strap_entry.runtime_data
            if isinstance(runtime, StrapRuntime):
                self._follow(runtime.coordinator)

    @callback
    def _on_strap_loaded(self, strap_entry_id: str, runtime: StrapRuntime | None) -> None:
        if strap_entry_id != self.strap_entry_id:
            return
        was_following = self._strap is not None
        self._drop()
        if runtime is not None:
            self._follow(runtime.coordinator)
        elif was_following:  # the strap unloaded: its beats stop, whatever the link said
            self._connected = False
            self._on_connection(False)  # noqa: FBT003  (the callback's one argument)
            return
        self._check_connection()

    def _follow(self, strap: StrapCoordinator) -> None:
        self._strap = strap
        self._unsubs = [
            strap.async_add_beat_listener(self._on_beats),
            strap.async_add_listener(self._check_connection),
        ]
        self._connected = strap.connected

    @callback
    def _drop(self) -> None:
        for unsub in self._unsubs:
            unsub()
        self._unsubs = []
        self._strap = None

    @callback
    def _check_connection(self) -> None:
        connected = self.connected
        if connected != self._connected:
            self._connected = connected
            self._on_connection(connected)
