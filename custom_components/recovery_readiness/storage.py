"""Loading a Store file without ever losing it: a corrupt file is kept aside, never wiped."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN, LOGGER


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
