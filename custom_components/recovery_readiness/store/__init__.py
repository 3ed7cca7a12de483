"""Store files that are never lost: unreadable ones are kept aside, lossy reads keep a copy.

`HistoryStore` is the one versioned Store of the integration's histories (sleep, readiness):
major version 1 with a minor version per schema, read through a ``normalize`` function that
drops what it cannot read. Before any data is accepted a ``validate`` function checks the
schema (the top-level row list is present and a list, and not every row is malformed); data
that fails it is treated exactly like an unreadable file: moved aside as
``<file>.corrupt-<UTC timestamp>`` and reported by a persistent, fixable repair issue that
names every file kept aside for that store until the user restores or dismisses it.

Before anything would be written back with less than the file holds (some malformed rows, a
newer minor version from a later release), the file is copied aside as ``<file>.kept-<UTC
timestamp>``; an identical copy already kept is not written again. Removing a profile deletes
its histories and every copy kept aside (`async_remove_history`).
"""

from __future__ import annotations

import hashlib
import math
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import STORAGE_DIR, Store
from homeassistant.util import dt as dt_util

from ..const import DOMAIN, LOGGER

KEPT_SUFFIX: Final = ".kept-"
CORRUPT_SUFFIX: Final = ".corrupt-"
ISSUE_CORRUPT_STORE: Final = "corrupt_store"
KEPT_SEPARATOR: Final = ", "


def finite_float(value: Any) -> float | None:
    """A stored number as float; None for a bool, a non-number, NaN or infinity."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def corrupt_issue_id(key: str) -> str:
    """The repair issue id of a store whose file was kept aside."""
    return f"{ISSUE_CORRUPT_STORE}_{key}"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy_unless_kept(path: str, kept: str) -> bool:
    """Copy ``path`` to ``kept``; False when it is missing or an identical copy exists."""
    source = Path(path)
    if not source.is_file():
        return False
    digest = _digest(source)
    for other in source.parent.glob(f"{source.name}{KEPT_SUFFIX}*"):
        if other.is_file() and _digest(other) == digest:
            return False
    shutil.copy2(source, kept)
    return True


def _timestamp() -> str:
    return dt_util.utcnow().strftime("%Y%m%dT%H%M%S%fZ")


async def async_keep_copy(hass: HomeAssistant, store: Store[Any], why: str) -> None:
    """Copy a Store file aside before something would write back less than it holds.

    Used when rows are skipped as malformed or a newer minor version is read (its unknown
    fields would be dropped): the original stays next to it as ``<file>.kept-<UTC timestamp>``,
    once per distinct content (a restart with the same malformed row keeps no second copy).
    """
    kept = f"{store.path}{KEPT_SUFFIX}{_timestamp()}"
    if await hass.async_add_executor_job(_copy_unless_kept, store.path, kept):
        LOGGER.warning("%s: %s; the file as it was is kept as %s", store.key, why, kept)


def _keep_aside(path: str, kept: str) -> bool:
    source = Path(path)
    if not source.exists():
        return False
    source.replace(kept)
    return True


class InvalidStoreError(ValueError):
    """Stored data does not match the schema (checked before any of it is accepted)."""


def kept_files(hass: HomeAssistant, key: str) -> list[str]:
    """The files named by a store's open repair issue (oldest first)."""
    issue = ir.async_get(hass).async_get_issue(DOMAIN, corrupt_issue_id(key))
    placeholders = (issue.translation_placeholders or {}) if issue is not None else {}
    listed = placeholders.get("kept", "")
    return [name for name in listed.split(KEPT_SEPARATOR) if name]


async def async_load_or_quarantine(  # noqa: PLR0913  (keyword-only description of one store)
    hass: HomeAssistant,
    store: Store[dict[str, Any]],
    *,
    what: str,
    profile: str,
    validate: Callable[[dict[str, Any]], str | None] | None = None,
    entry_id: str | None = None,
) -> dict[str, Any] | None:
    """Return the Store's data; move an unreadable or invalid file aside and raise a repair.

    A file that cannot be read (invalid JSON, a version this release cannot migrate, a wrong
    shape, or data that ``validate`` rejects) is renamed to ``<file>.corrupt-<UTC timestamp>``
    next to it, so nothing is lost and the next save cannot overwrite it; a persistent repair
    issue names every file kept aside for this store. The caller then starts from empty data.

    Args:
        hass: Home Assistant.
        store: the Store to load.
        what: translated placeholder naming the history (e.g. "sleep", "readiness").
        profile: the profile's name, for the repair issue.
        validate: data -> None when it matches the schema, else the reason it does not.
        entry_id: the profile's config entry, reloaded when the repair restores the file.
    """
    try:
        data: Any = await store.async_load()
    except (HomeAssistantError, NotImplementedError, ValueError, TypeError, KeyError) as err:
        reason = repr(err)
    else:
        if data is None:
            return None
        if not isinstance(data, dict):
            reason = f"expected an object, found {type(data).__name__}"
        elif validate is None or (invalid := validate(data)) is None:
            return data
        else:
            reason = invalid
    kept = f"{store.path}{CORRUPT_SUFFIX}{_timestamp()}"
    if not await hass.async_add_executor_job(_keep_aside, store.path, kept):
        kept = ""
    LOGGER.error(
        "%s: could not read %s (%s); kept it as %s", profile, store.path, reason, kept or "-"
    )
    files = kept_files(hass, store.key)
    if kept:
        files.append(kept)
    ir.async_create_issue(
        hass,
        DOMAIN,
        corrupt_issue_id(store.key),
        is_fixable=True,
        is_persistent=True,
        severity=ir.IssueSeverity.ERROR,
        translation_key=ISSUE_CORRUPT_STORE,
        translation_placeholders={
            "profile": profile,
            "what": what,
            "kept": KEPT_SEPARATOR.join(files),
        },
        data={
            "path": store.path,
            "entry_id": entry_id,
            "kept": KEPT_SEPARATOR.join(files),
        },
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
        validate: Callable[[dict[str, Any]], str | None],
        what: str,
        profile: str,
        entry_id: str | None = None,
    ) -> None:
        """Bind to a Store key.

        Args:
            hass: Home Assistant.
            key: the Store key (file name under .storage).
            minor_version: this release's minor version of the schema.
            normalize: data as read -> data in the current schema (drops what it cannot read).
            skipped: how many rows of stored data `normalize` would drop.
            validate: data -> None when it matches the schema, else why not (kept aside).
            what: the history's name in messages and the repair issue ("sleep", "readiness").
            profile: the profile's name, for messages and the repair issue.
            entry_id: the profile's config entry (the repair's restore reloads it).
        """
        super().__init__(hass, HISTORY_MAJOR_VERSION, key, minor_version=minor_version)
        self._normalize = normalize
        self._skipped = skipped
        self._validate = validate
        self._what = what
        self._profile = profile
        self._entry_id = entry_id

    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: Any
    ) -> dict[str, Any]:
        """Bring older (or newer-minor) data to this release's schema.

        Major 1: every minor version reads with defaults for keys it lacks. A future major adds
        its step here; an unknown major (a downgrade) or data that fails the schema check is
        refused, and the file is then kept aside by `async_load_or_quarantine`, never
        overwritten. Home Assistant saves the result at once, so a copy is kept first when
        that would drop anything.
        """
        if old_major_version != HISTORY_MAJOR_VERSION:
            msg = f"{self.key}: cannot read {self._what} history of version {old_major_version}"
            raise NotImplementedError(msg)
        if not isinstance(old_data, dict):
            msg = f"expected an object, found {type(old_data).__name__}"
            raise InvalidStoreError(msg)
        if (invalid := self._validate(old_data)) is not None:
            raise InvalidStoreError(invalid)
        LOGGER.debug("%s: migrating from 1.%d", self.key, old_minor_version)
        if old_minor_version > self.minor_version:
            await async_keep_copy(self.hass, self, "written by a newer release")
        elif self._skipped(old_data):
            await async_keep_copy(self.hass, self, "malformed rows are skipped")
        return self._normalize(old_data)

    async def async_load_history(self) -> dict[str, Any] | None:
        """Load for use: None when empty or kept aside; a copy is kept before lossy reads."""
        data = await async_load_or_quarantine(
            self.hass,
            self,
            what=self._what,
            profile=self._profile,
            validate=self._validate,
            entry_id=self._entry_id,
        )
        if data is not None and self._skipped(data):
            await async_keep_copy(self.hass, self, "malformed rows are skipped")
        return data


def rows_check(data: dict[str, Any], key: str, row_ok: Callable[[Any], bool]) -> str | None:
    """The schema check of a history whose rows are the list under ``key``.

    Returns None when ``key`` holds a list of which at least one row reads (or which is
    empty), else the reason: the key is missing, is not a list, or every row is malformed.
    """
    if key not in data:
        return f"the list '{key}' is missing"
    rows = data[key]
    if not isinstance(rows, list):
        return f"'{key}' is a {type(rows).__name__}, not a list"
    if rows and not any(row_ok(row) for row in rows):
        return f"none of the {len(rows)} rows in '{key}' can be read"
    return None


def _remove_files(storage: Path, key: str) -> list[str]:
    removed: list[str] = []
    for suffix in (KEPT_SUFFIX, CORRUPT_SUFFIX):
        for path in storage.glob(f"{key}{suffix}*"):
            if path.is_file():
                path.unlink()
                removed.append(path.name)
    return removed


async def async_remove_history(hass: HomeAssistant, key: str) -> None:
    """Delete a removed profile's history file, every copy kept aside, and its issue."""
    await Store[dict[str, Any]](hass, HISTORY_MAJOR_VERSION, key).async_remove()
    storage = Path(hass.config.path(STORAGE_DIR))
    if removed := await hass.async_add_executor_job(_remove_files, storage, key):
        LOGGER.debug("%s: removed kept copies %s", key, removed)
    ir.async_delete_issue(hass, DOMAIN, corrupt_issue_id(key))
