"""Fixtures for the integration tests (pytest-homeassistant-custom-component, real bluetooth)."""

from __future__ import annotations

import sys
from collections.abc import Generator
from pathlib import Path
from unittest.mock import patch

import pytest

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
