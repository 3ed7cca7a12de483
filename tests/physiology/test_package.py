import importlib.util

import physiology
from physiology import InsufficientDataError


def test_physiology_imports_without_home_assistant():
    assert physiology.__file__.endswith("physiology/__init__.py")
    assert importlib.util.find_spec("homeassistant") is None


def test_insufficient_data_error_is_a_value_error_that_names_the_minimum():
    err = InsufficientDataError("rmssd_ms", needed=2, got=1)
    assert isinstance(err, ValueError)
    assert (err.metric, err.needed, err.got) == ("rmssd_ms", 2, 1)
    assert "at least 2" in str(err)
