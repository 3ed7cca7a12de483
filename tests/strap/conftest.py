"""HA-free suite: `strap` is imported top-level (see tests/hafree.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import hafree  # noqa: F401  (side effect: the component folder on sys.path)

sys.path.insert(0, str(Path(__file__).resolve().parent))  # strap_fakes

import bleak_retry_connector
import pytest
from strap_fakes import FakeBle, FakeClock


@pytest.fixture
def ble(monkeypatch: pytest.MonkeyPatch) -> FakeBle:
    """Patch bleak_retry_connector where the strap client looks it up (at call time)."""
    fake = FakeBle()
    monkeypatch.setattr(bleak_retry_connector, "establish_connection", fake.establish_connection)
    monkeypatch.setattr(
        bleak_retry_connector,
        "close_stale_connections_by_address",
        fake.close_stale_connections_by_address,
    )
    return fake


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
