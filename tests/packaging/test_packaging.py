import json
import re

import pytest
from checks import (
    COMPONENT,
    ROOT,
    hacs_json_problems,
    manifest_problems,
    missing_translations,
    translation_key_problems,
    used_translation_keys,
)


def _json(path):
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def manifest():
    return _json(COMPONENT / "manifest.json")


@pytest.fixture
def en():
    return _json(COMPONENT / "translations" / "en.json")


def test_repository_manifest_passes_hacs_and_hassfest_rules(manifest):
    assert manifest_problems(manifest) == []
    assert manifest["bluetooth"] == [
        {"connectable": True, "service_uuid": "0000180d-0000-1000-8000-00805f9b34fb"}
    ]
    assert manifest["dependencies"] == ["bluetooth_adapters"]


@pytest.mark.parametrize("key", ["codeowners", "documentation", "issue_tracker", "name", "version"])
def test_manifest_without_a_key_hacs_requires_fails(manifest, key):
    del manifest[key]
    assert any(key in p for p in manifest_problems(manifest))


def test_manifest_with_unsorted_keys_fails(manifest):
    reordered = {"domain": manifest["domain"], "name": manifest["name"], "version": "0.1.0"}
    reordered |= {k: v for k, v in manifest.items() if k not in reordered}
    assert any("alphabetical" in p for p in manifest_problems(reordered))


def test_repository_hacs_json_passes():
    hacs = _json(ROOT / "hacs.json")
    assert hacs_json_problems(hacs) == []
    assert hacs["homeassistant"] == "2025.4.0"


@pytest.mark.parametrize("key", ["domain", "iot_class", "homeassistant_min"])
def test_hacs_json_with_a_key_hacs_rejects_fails(key):
    hacs = _json(ROOT / "hacs.json") | {key: "x"}
    assert hacs_json_problems(hacs) == [f"hacs.json key {key!r} is not accepted by HACS"]


def test_english_and_dutch_have_the_same_keys(en):
    nl = _json(COMPONENT / "translations" / "nl.json")
    assert translation_key_problems(en, nl, "nl.json") == []


def test_reason_and_voice_texts_have_the_same_keys_and_placeholders_in_english_and_dutch():
    en_texts = _json(COMPONENT / "texts" / "en.json")
    nl_texts = _json(COMPONENT / "texts" / "nl.json")
    assert translation_key_problems(en_texts, nl_texts, "texts/nl.json") == []
    for group, sentences in en_texts.items():
        for key, sentence in sentences.items():
            assert set(re.findall(r"{(\w+)}", sentence)) == set(
                re.findall(r"{(\w+)}", nl_texts[group][key])
            ), f"{group}.{key}"


def test_every_readiness_reason_has_a_text():
    en_texts = _json(COMPONENT / "texts" / "en.json")
    source = (COMPONENT / "physiology" / "readiness.py").read_text(encoding="utf-8")
    block = source.split("REASON_PLACEHOLDERS", 1)[1].split("}\n)", 1)[0]
    reasons = set(re.findall(r'^\s+"(\w+)": frozenset', block, re.MULTILINE))
    assert reasons
    assert reasons <= set(en_texts["reason"])


def test_translation_files_differing_in_keys_fail(en):
    nl = json.loads(json.dumps(en))
    nl["config"]["abort"].pop("no_devices_found")
    nl["config"]["abort"]["extra"] = "x"
    assert translation_key_problems(en, nl, "nl.json") == [
        "nl.json lacks config.abort.no_devices_found",
        "nl.json has config.abort.extra, which en.json lacks",
    ]


def test_every_translation_key_used_in_code_exists(en):
    assert missing_translations(en) == []


def test_a_translation_key_used_in_code_but_missing_fails(en, tmp_path):
    (tmp_path / "sensor.py").write_text(
        'X = SensorEntityDescription(key="hr", translation_key="not_a_sensor")\n'
        "raise HomeAssistantError(translation_domain=DOMAIN, translation_key='no_slot')\n"
        'return self.async_abort(reason="cannot_connect")\n'.replace("return ", ""),
        encoding="utf-8",
    )
    assert missing_translations(en, tmp_path) == [
        "sensor.py uses config.abort.cannot_connect, missing from en.json",
        "sensor.py uses entity.sensor.not_a_sensor.name, missing from en.json",
        "sensor.py uses exceptions.no_slot.message, missing from en.json",
    ]


def test_used_keys_include_flow_errors_and_issues():
    source = (
        'errors["base"] = "cannot_connect"\n'
        'ir.async_create_issue(hass, DOMAIN, "x", translation_key="no_slot")\n'
        'self.async_show_form(step_id="user")\n'
    )
    assert used_translation_keys(source, "config_flow") == {
        "config.error.cannot_connect",
        "issues.no_slot.title",
        "config.step.user",
    }
