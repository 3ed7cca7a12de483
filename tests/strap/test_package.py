import importlib.util

import strap


def test_strap_imports_without_home_assistant():
    assert strap.__file__.endswith("strap/__init__.py")
    assert importlib.util.find_spec("homeassistant") is None
