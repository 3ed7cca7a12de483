"""Fixtures for the integration tests (pytest-homeassistant-custom-component, real bluetooth)."""

from __future__ import annotations

import sys
from collections.abc import Generator
from pathlib import Path
from unittest.mock import PropertyMock, patch

import pytest
from homeassistant import const as ha_const
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion
from syrupy.location import PyTestLocation

# `emulated` (the bumble strap harness) lives in tests/; the component is imported only as
# custom_components.recovery_readiness here, never top-level (one class, one module name).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Allow custom_components/* in every test."""


@pytest.fixture(autouse=True)
def auto_enable_bluetooth(enable_custom_integrations: None, enable_bluetooth: None) -> None:
    """Run HA's real bluetooth integration (adapter and local scanner mocked by phcc).

    Custom integrations are enabled first, so bluetooth's discovery matchers include ours.
    """


@pytest.fixture(autouse=True)
def fast_slot_backoff() -> Generator[None]:
    """Do not wait out bleak-retry-connector's out-of-slots backoff in tests."""
    with patch("bleak_retry_connector.BLEAK_OUT_OF_SLOTS_BACKOFF_TIME", 0):
        yield


class _PerLegSnapshots(HomeAssistantSnapshotExtension):
    """Snapshots per Home Assistant release line: registry entries gain fields between them."""

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        """``snapshots/ha-<year>.<month>`` next to the test file."""
        leg = ".".join(ha_const.__version__.split(".")[:2])
        return str(Path(test_location.filepath).parent / "snapshots" / f"ha-{leg}")


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """The Home Assistant snapshot extension, one folder per leg."""
    return snapshot.use_extension(_PerLegSnapshots)


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Create every entity enabled (as core's fixture of the same name)."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


def pytest_configure(config: pytest.Config) -> None:
    """The other leg's snapshots are not stale: report unused ones as a warning only."""
    config.option.warn_unused_snapshots = True
