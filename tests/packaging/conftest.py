"""Packaging checks run in the HA-free stage (they read files, nothing more)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
