"""Every entity of a strap and of a person profile, pinned per platform with `snapshot_platform`.

Unique ids, names, translation keys, units, device and state classes, categories, options,
enabled-by-default and the states themselves are compared with the stored snapshots (one set per
Home Assistant leg: registry entries gain fields between releases).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from datetime import datetime, timedelta
from pathlib import Path
from unittest.mock import patch

import pytest
from emulated import encode_hrm
from emulated.harness import EmulatedLink, wait_until_seen
from emulated.proxy import EmulatedProxy
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_ADDRESS, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.recovery_readiness.const import (
    CONF_ENTRY_KIND,
    CONF_PERSON_ID,
    DOMAIN,
    KIND_PERSON,
)
from custom_components.recovery_readiness.profile import ProfileRuntime
from custom_components.recovery_readiness.strap_entry import StrapRuntime

pytest_plugins = ["emulated.fixtures"]

STRAP_ADDRESS = "C0:11:22:33:44:55"
NOW = datetime(2026, 3, 18, 13, 0, 0, tzinfo=dt_util.UTC)
HRV_MS = (52.0, 55.0, 49.0, 61.0, 57.0, 50.0, 54.0, 58.0, 47.0, 56.0)


@pytest.fixture
def only_platform(request: pytest.FixtureRequest) -> Generator[Platform]:
    """Load one platform, so each snapshot holds one domain."""
    platform: Platform = request.param
    with (
        patch.object(StrapRuntime, "platforms", (platform,)),
        patch.object(ProfileRuntime, "platforms", (platform,)),
    ):
        yield platform


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("only_platform", [Platform.SENSOR, Platform.BINARY_SENSOR], indirect=True)
async def test_strap_entities(  # noqa: PLR0917  (fixtures)
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    emulated_link: EmulatedLink,
    emulated_proxy: EmulatedProxy,
    only_platform: Platform,
) -> None:
    strap = await emulated_link.add_strap(advertise=True, address=STRAP_ADDRESS)
    await wait_until_seen(hass, strap.address)
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=strap.address,
        title="Chest strap",
        data={CONF_ADDRESS: strap.address},
        entry_id="strap_entry",
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await strap.wait_subscribed()
    await hass.async_block_till_done(wait_background_tasks=True)
    await strap.notify(encode_hrm(61, (983.0,), contact=True))
    await hass.async_block_till_done()

    await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)


def _daily_csv(path: Path, days: int) -> None:
    today = dt_util.as_local(NOW).date()
    lines = ["date,rmssd_ms,resting_hr_bpm"]
    lines.extend(
        f"{today - timedelta(days=i)},{HRV_MS[i % len(HRV_MS)]},{50 + i % 4}"
        for i in range(days, 0, -1)
    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize(
    "only_platform", [Platform.SENSOR, Platform.BINARY_SENSOR, Platform.BUTTON], indirect=True
)
async def test_person_entities(  # noqa: PLR0917  (fixtures)
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
    only_platform: Platform,
) -> None:
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    freezer.move_to(NOW)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Robin",
        unique_id="p1",
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: "p1"},
        options={"target_sleep_h": 8.0},
        entry_id="person_entry",
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    today = dt_util.as_local(NOW).date()
    for n in range(8, 0, -1):
        day = today - timedelta(days=n)
        start = datetime(
            day.year, day.month, day.day, 23, 0, tzinfo=dt_util.get_default_time_zone()
        )
        hours = 7.0 + (n % 3) * 0.5
        await hass.services.async_call(
            DOMAIN,
            "log_sleep",
            {
                "profile": entry.entry_id,
                "start": start.isoformat(),
                "end": (start + timedelta(hours=hours)).isoformat(),
            },
            blocking=True,
        )
    csv = tmp_path / "daily.csv"
    _daily_csv(csv, 30)
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    response = await hass.services.async_call(
        DOMAIN,
        "import_history",
        {"profile": entry.entry_id, "path": str(csv)},
        blocking=True,
        return_response=True,
    )
    assert response["imported"] == 30
    assert math.isfinite(float(response["imported"]))
    await hass.async_block_till_done()

    await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)
