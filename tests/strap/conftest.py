"""HA-free suite: `strap` is imported top-level (see tests/hafree.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import hafree  # noqa: F401  (side effect: the component folder on sys.path)
