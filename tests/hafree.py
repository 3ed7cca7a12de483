"""Put the integration folder on sys.path so `strap` and `physiology` import top-level.

Imported by the conftest of tests/strap and tests/physiology only. Those suites run in a
Python without Home Assistant (scripts/test stage "core"); importing `homeassistant` there
fails, which is the proof that both packages stay HA-free.
"""

from __future__ import annotations

import sys
from pathlib import Path

COMPONENT_DIR = Path(__file__).resolve().parent.parent / "custom_components" / "recovery_readiness"

if str(COMPONENT_DIR) not in sys.path:
    sys.path.insert(0, str(COMPONENT_DIR))
