"""Repair flows: a history kept aside can be restored or the notice dismissed.

A store file that could not be read is kept aside (`store.async_load_or_quarantine`) and a
persistent repair issue names every kept file. Its fix flow offers two choices:

* **restore** — the newest kept file is moved back in place (the file written since, if any,
  is kept aside first, so nothing is lost) and the profile reloads. A file that still cannot
  be read is kept aside again with a new notice.
* **dismiss** — the notice goes; the kept files stay until the profile is deleted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from homeassistant import data_entry_flow
from homeassistant.components.repairs import RepairsFlow
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .const import DOMAIN, LOGGER
from .store import KEPT_SEPARATOR, KEPT_SUFFIX


def _restore(path: str, kept: str) -> None:
    """Move ``kept`` back to ``path``; a file at ``path`` is kept aside first."""
    source = Path(kept)
    target = Path(path)
    if target.exists():
        stamp = dt_util.utcnow().strftime("%Y%m%dT%H%M%S%fZ")
        target.replace(f"{path}{KEPT_SUFFIX}{stamp}")
    source.replace(target)


class CorruptStoreRepairFlow(RepairsFlow):
    """Restore the newest kept file of a history, or dismiss the notice."""

    def __init__(self, data: dict[str, Any]) -> None:
        """Keep the issue's data (store key, path, kept files)."""
        super().__init__()
        self._data = data

    async def async_step_init(
        self,
        user_input: dict[str, str] | None = None,  # noqa: ARG002  (a menu step has no form)
    ) -> data_entry_flow.FlowResult:
        """Offer restore or dismiss; the text names the profile and every kept file."""
        issue = ir.async_get(self.hass).async_get_issue(DOMAIN, self.issue_id)
        placeholders = dict(issue.translation_placeholders or {}) if issue is not None else {}
        return self.async_show_menu(
            step_id="init",
            menu_options=["restore", "dismiss"],
            description_placeholders=placeholders,
        )

    async def async_step_restore(
        self,
        user_input: dict[str, str] | None = None,  # noqa: ARG002  (no form)
    ) -> data_entry_flow.FlowResult:
        """Unload the profile, move the newest kept file back, set the profile up again.

        The profile is unloaded first: its unload save would otherwise write the empty
        history over the restored file. This notice is removed before the set-up, so a file
        that still cannot be read raises a new one (hence the flow ends as an abort, which
        leaves issues alone, with a message saying what happened).
        """
        kept = [name for name in str(self._data.get("kept", "")).split(KEPT_SEPARATOR) if name]
        path, entry_id = str(self._data.get("path", "")), str(self._data.get("entry_id", ""))
        if (
            not kept
            or not path
            or not await self.hass.async_add_executor_job(Path(kept[-1]).is_file)
        ):
            return self.async_abort(reason="nothing_to_restore")
        entries = self.hass.config_entries
        entry = entries.async_get_entry(entry_id)
        if entry is not None:
            await entries.async_unload(entry_id)
        await self.hass.async_add_executor_job(_restore, path, kept[-1])
        LOGGER.warning("Restored %s from %s", path, kept[-1])
        ir.async_delete_issue(self.hass, DOMAIN, self.issue_id)
        if entry is not None:
            await entries.async_setup(entry_id)
        return self.async_abort(reason="restored")

    async def async_step_dismiss(
        self,
        user_input: dict[str, str] | None = None,  # noqa: ARG002  (a menu step has no form)
    ) -> data_entry_flow.FlowResult:
        """Remove the notice; the kept files stay."""
        return self.async_create_entry(data={})


async def async_create_fix_flow(
    hass: HomeAssistant,
    issue_id: str,
    data: dict[str, str | int | float | None] | None,
) -> RepairsFlow:
    """Create the fix flow of one of the integration's repair issues."""
    return CorruptStoreRepairFlow(dict(data or {}))
