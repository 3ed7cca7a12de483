"""Store files that are never lost: unreadable ones are kept aside, lossy reads keep a copy.

`HistoryStore` is the one versioned Store of the integration's histories (sleep, readiness):
major version 1 with a minor version per schema, read through a ``normalize`` function that
drops what it cannot read. Before anything would be written back with less than the file holds
(malformed rows, a newer minor version from a later release), the file is copied aside.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..const import DOMAIN, LOGGER


def _copy(path: str, kept: str) -> bool:
    source = Path(path)
    if not source.exists():
        return False
    shutil.copy2(source, kept)
    return True


async def async_keep_copy(hass: HomeAssistant, store: Store[Any], why: str) -> None:
    """Copy a Store file aside before something would write back less than it holds.

    Used when rows are skipped as malformed or a newer minor version is read (its unknown
    fields would be dropped): the original stays next to it as ``<file>.kept-<UTC timestamp>``.
    """
    kept = f"{store.path}.kept-{dt_util.utcnow().strftime('%Y%m%dT%H%M%SZ')}"
    if await hass.async_add_executor_job(_copy, store.path, kept):
        LOGGER.warning("%s: %s; the file as it was is kept as %s", store.key, why, kept)


def _keep_aside(path: str, kept: str) -> None:
    source = Path(path)
    if source.exists():
        source.replace(kept)


async def async_load_or_quarantine(
    hass: HomeAssistant, store: Store[dict[str, Any]], *, what: str, profile: str
) -> dict[str, Any] | None:
    """Return the Store's data; move an unreadable file aside and raise a repair issue.

    A file that cannot be read (invalid JSON, a version this release cannot migrate, a wrong
    shape) is renamed to ``<file>.corrupt-<UTC timestamp>`` next to it, so nothing is lost and
    the next save cannot overwrite it; a repair issue tells the user where it is. The caller
    then starts from empty data.

    Args:
        hass: Home Assistant.
        store: the Store to load.
        what: translated placeholder naming the history (e.g. "sleep", "readiness").
        profile: the profile's name, for the repair issue.
    """
    try:
        data: Any = await store.async_load()
    except (HomeAssistantError, NotImplementedError, ValueError, TypeError, KeyError) as err:
        reason = repr(err)
    else:
        if data is None or isinstance(data, dict):
            return data
        reason = f"expected an object, found {type(data).__name__}"
    kept = f"{store.path}.corrupt-{dt_util.utcnow().strftime('%Y%m%dT%H%M%SZ')}"
    await hass.async_add_executor_job(_keep_aside, store.path, kept)
    LOGGER.error("%s: could not read %s (%s); kept it as %s", profile, store.path, reason, kept)
    ir.async_create_issue(
        hass,
        DOMAIN,
        f"corrupt_store_{store.key}",
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key="corrupt_store",
        translation_placeholders={"profile": profile, "what": what, "kept": kept},
    )
    return None


HISTORY_MAJOR_VERSION: Final = 1


class HistoryStore(Store[dict[str, Any]]):
    """A history's Store: major 1, its own minor version, a lossless-or-copied read path."""

    def __init__(  # noqa: PLR0913  (keyword-only description of one history)
        self,
        hass: HomeAssistant,
        key: str,
        *,
        minor_version: int,
        normalize: Callable[[dict[str, Any]], dict[str, Any]],
        skipped: Callable[[dict[str, Any]], int],
        what: str,
        profile: str,
    ) -> None:
        """Bind to a Store key.

        Args:
            hass: Home Assistant.
            key: the Store key (file name under .storage).
            minor_version: this release's minor version of the schema.
            normalize: data as read -> data in the current schema (drops what it cannot read).
            skipped: how many rows of stored data `normalize` would drop.
            what: the history's name in messages and the repair issue ("sleep", "readiness").
            profile: the profile's name, for messages and the repair issue.
        """
        super().__init__(hass, HISTORY_MAJOR_VERSION, key, minor_version=minor_version)
        self._normalize = normalize
        self._skipped = skipped
        self._what = what
        self._profile = profile

    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: dict[str, Any]
    ) -> dict[str, Any]:
        """Bring older (or newer-minor) data to this release's schema.

        Major 1: every minor version reads with defaults for keys it lacks. A future major adds
        its step here; an unknown major (a downgrade) is refused, and the file is then kept
        aside by `async_load_or_quarantine`, never overwritten. Home Assistant saves the result
        at once, so a copy is kept first when that would drop anything.
        """
        if old_major_version != HISTORY_MAJOR_VERSION:
            msg = f"{self.key}: cannot read {self._what} history of version {old_major_version}"
            raise NotImplementedError(msg)
        LOGGER.debug("%s: migrating from 1.%d", self.key, old_minor_version)
        if old_minor_version > self.minor_version:
            await async_keep_copy(self.hass, self, "written by a newer release")
        elif self._skipped(old_data):
            await async_keep_copy(self.hass, self, "malformed rows are skipped")
        return self._normalize(old_data)

    async def async_load_history(self) -> dict[str, Any] | None:
        """Load for use: None when empty or kept aside; a copy is kept before lossy reads."""
        data = await async_load_or_quarantine(
            self.hass, self, what=self._what, profile=self._profile
        )
        if data is not None and self._skipped(data):
            await async_keep_copy(self.hass, self, "malformed rows are skipped")
        return data


async def async_remove_history(hass: HomeAssistant, key: str) -> None:
    """Delete a removed profile's history file."""
    await Store[dict[str, Any]](hass, HISTORY_MAJOR_VERSION, key).async_remove()
