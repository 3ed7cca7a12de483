"""The person's linked strap: one beat stream and its connection, whenever its entry is loaded.

The link follows the strap's config entry through `SIGNAL_STRAP_LOADED` (sent by the strap when
it starts and stops), so it is there as soon as the strap is, after a restart or a reload, and
gone the moment the strap unloads. Nothing polls.

The link is the strap's entry id *and* its Bluetooth address. When the linked entry is deleted
(or was deleted while Home Assistant was down) a repair issue says so; when a strap entry with
the same address is added again, the link follows it (``on_relink`` stores its new entry id)
and the issue goes.
"""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    ConfigEntry,
    ConfigEntryChange,
    ConfigEntryState,
)
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from ..const import DOMAIN, ISSUE_STRAP_MISSING, KIND_STRAP, SIGNAL_STRAP_LOADED, entry_kind
from ..strap_entry import BeatBatch, StrapCoordinator, StrapRuntime


class StrapLink:
    """Follows one strap entry and forwards its beats and connection changes."""

    def __init__(  # noqa: PLR0913  (keyword-only wiring)
        self,
        hass: HomeAssistant,
        strap_entry_id: str | None,
        *,
        address: str | None = None,
        on_beats: Callable[[BeatBatch], None],
        on_connection: Callable[[bool], None],
        on_relink: Callable[[str, str], None] | None = None,
    ) -> None:
        """Bind to the linked strap entry (None: no strap linked) and its address.

        ``on_relink(entry_id, address)`` is called when the link moves to (or first learns
        the address of) a strap entry, so the profile can store both.
        """
        self.hass = hass
        self.strap_entry_id = strap_entry_id
        self.address = address
        self._on_beats = on_beats
        self._on_connection = on_connection
        self._on_relink = on_relink
        self._person_entry_id: str | None = None
        self._person_name = ""
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
        self._person_entry_id, self._person_name = entry.entry_id, entry.title
        entry.async_on_unload(
            async_dispatcher_connect(self.hass, SIGNAL_STRAP_LOADED, self._on_strap_loaded)
        )
        entry.async_on_unload(
            async_dispatcher_connect(self.hass, SIGNAL_CONFIG_ENTRY_CHANGED, self._on_entry_changed)
        )
        entry.async_on_unload(self._drop)
        if self.strap_entry_id is None:
            self._set_missing(missing=False)
            return
        strap_entry = self.hass.config_entries.async_get_entry(self.strap_entry_id)
        if strap_entry is None and (found := self._entry_by_address()) is not None:
            strap_entry = found
            self._relink(found)
        elif strap_entry is not None and self.address != _address(strap_entry):
            self._relink(strap_entry)  # first start with an address: remember it
        self._set_missing(missing=strap_entry is None)
        if strap_entry is not None and strap_entry.state is ConfigEntryState.LOADED:
            runtime = strap_entry.runtime_data
            if isinstance(runtime, StrapRuntime):
                self._follow(runtime.coordinator)

    def _entry_by_address(self) -> ConfigEntry | None:
        if self.address is None:
            return None
        return next(
            (
                e
                for e in self.hass.config_entries.async_entries(DOMAIN)
                if entry_kind(e) == KIND_STRAP and _address(e) == self.address
            ),
            None,
        )

    def _relink(self, strap_entry: ConfigEntry) -> None:
        self.strap_entry_id = strap_entry.entry_id
        self.address = _address(strap_entry)
        if self._on_relink is not None and self.address is not None:
            self._on_relink(strap_entry.entry_id, self.address)

    def _set_missing(self, *, missing: bool) -> None:
        """Raise or clear the repair issue of a linked strap whose entry is gone."""
        if self._person_entry_id is None:
            return
        issue_id = f"{ISSUE_STRAP_MISSING}_{self._person_entry_id}"
        if not missing:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)
            return
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_STRAP_MISSING,
            translation_placeholders={"profile": self._person_name},
        )

    @callback
    def _on_entry_changed(self, change: ConfigEntryChange, entry: ConfigEntry) -> None:
        """The linked strap's entry was deleted: say so (re-adding it relinks on load)."""
        if change is ConfigEntryChange.REMOVED and entry.entry_id == self.strap_entry_id:
            self._set_missing(missing=True)

    @callback
    def _on_strap_loaded(self, strap_entry_id: str, runtime: StrapRuntime | None) -> None:
        if strap_entry_id != self.strap_entry_id:
            if runtime is None or not self._adopts(runtime.entry):
                return
            self._relink(runtime.entry)
            self._set_missing(missing=False)
        was_following = self._strap is not None
        self._drop()
        if runtime is not None:
            self._follow(runtime.coordinator)
        elif was_following:  # the strap unloaded: its beats stop, whatever the link said
            self._connected = False
            self._on_connection(False)  # noqa: FBT003  (the callback's one argument)
            return
        self._check_connection()

    def _adopts(self, strap_entry: ConfigEntry) -> bool:
        """A strap entry with the linked address, while the linked entry is gone."""
        return (
            self.strap_entry_id is not None
            and self.address is not None
            and _address(strap_entry) == self.address
            and self.hass.config_entries.async_get_entry(self.strap_entry_id) is None
        )

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


def _address(strap_entry: ConfigEntry) -> str | None:
    address = strap_entry.data.get(CONF_ADDRESS) or strap_entry.unique_id
    return None if address is None else str(address).upper()
