"""Packaging checks, as plain functions that return a list of problems (empty = fine).

HACS and hassfest are not installable here, so the rules they apply to us are restated from their
sources (hacs/integration `utils/validate.py`, home-assistant/core `script/hassfest/manifest.py`;
see ../shared/docs/home-assistant.md §4, §8, §9). The tests run them on the repository and on
deliberately broken copies, so a check that cannot fail would be noticed.
"""

from __future__ import annotations

import ast
import fnmatch
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
COMPONENT = ROOT / "custom_components" / "recovery_readiness"

# HACS INTEGRATION_MANIFEST_JSON_SCHEMA: required keys.
HACS_MANIFEST_REQUIRED = (
    "codeowners",
    "documentation",
    "domain",
    "issue_tracker",
    "name",
    "version",
)
# HACS HACS_MANIFEST_JSON_SCHEMA (extra=PREVENT_EXTRA): the only keys hacs.json may have.
HACS_JSON_ALLOWED = frozenset(
    {
        "name",
        "homeassistant",
        "hacs",
        "content_in_root",
        "zip_release",
        "filename",
        "render_readme",
        "hide_default_branch",
        "country",
        "persistent_directory",
    }
)
# Platforms whose entity names and states live under entity.<platform>.<key>.
ENTITY_PLATFORMS = frozenset({"sensor", "binary_sensor", "button", "select", "number", "switch"})
DESCRIPTION_PLATFORMS = {
    "RecoverySensorDescription": "sensor",
    "SensorEntityDescription": "sensor",
    "RecoveryBinarySensorDescription": "binary_sensor",
    "BinarySensorEntityDescription": "binary_sensor",
    "ButtonEntityDescription": "button",
}
"""Entity descriptions live with the capability that owns them; their class names the platform."""


def manifest_problems(manifest: Mapping[str, Any]) -> list[str]:
    """Return what HACS and hassfest would reject in manifest.json."""
    problems = [
        f"manifest.json lacks {key!r}" for key in HACS_MANIFEST_REQUIRED if key not in manifest
    ]
    if manifest.get("domain") != COMPONENT.name:
        problems.append("manifest.json domain must equal the folder name")
    keys = list(manifest)
    if keys[:2] != ["domain", "name"] or keys[2:] != sorted(keys[2:]):
        problems.append("manifest.json keys must be domain, name, then alphabetical (hassfest)")
    if not all(str(owner).startswith("@") for owner in manifest.get("codeowners", [])):
        problems.append("codeowners must start with @")
    if manifest.get("iot_class") != "local_push":
        problems.append("iot_class must be local_push")
    if manifest.get("requirements"):
        problems.append("requirements must stay empty (HA's bluetooth brings bleak)")
    return problems


def hacs_json_problems(hacs: Mapping[str, Any]) -> list[str]:
    """Return what HACS would reject in hacs.json."""
    problems = [
        f"hacs.json key {key!r} is not accepted by HACS"
        for key in hacs
        if key not in HACS_JSON_ALLOWED
    ]
    if "name" not in hacs:
        problems.append("hacs.json lacks 'name'")
    return problems


def _leaves(node: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, f"{prefix}.{key}" if prefix else key)
    else:
        yield prefix


def translation_key_problems(
    reference: Mapping[str, Any], other: Mapping[str, Any], name: str
) -> list[str]:
    """Return the keys present in one translation file but not the other."""
    ref, oth = set(_leaves(reference)), set(_leaves(other))
    return [f"{name} lacks {k}" for k in sorted(ref - oth)] + [
        f"{name} has {k}, which en.json lacks" for k in sorted(oth - ref)
    ]


def _string_kw(call: ast.Call, name: str) -> str | None:
    for kw in call.keywords:
        if (
            kw.arg == name
            and isinstance(kw.value, ast.Constant)
            and isinstance(kw.value.value, str)
        ):
            return kw.value.value
    return None


def used_translation_keys(source: str, module: str) -> set[str]:  # noqa: C901  (one AST walk)
    """Return the dotted en.json paths that one module's code refers to.

    Found: `translation_key="x"` (an entity of the module's platform, or an exception/issue when
    the call also names `translation_domain` or is `async_create_issue`), `async_abort(reason=)`,
    `async_show_form(step_id=)`, `errors[...] = "x"` in config flows.
    """
    used: set[str] = set()
    tree = ast.parse(source)
    options_nodes = {
        id(inner)
        for cls in ast.walk(tree)
        if isinstance(cls, ast.ClassDef)
        and any(getattr(b, "id", "") == "OptionsFlow" for b in cls.bases)
        for inner in ast.walk(cls)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            fname = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            key = _string_kw(node, "translation_key")
            if key is not None:
                if fname == "async_create_issue":
                    used.add(f"issues.{key}.title")
                elif _string_kw(node, "translation_domain") is not None or any(
                    kw.arg == "translation_domain" for kw in node.keywords
                ):
                    used.add(f"exceptions.{key}.message")
                elif fname in DESCRIPTION_PLATFORMS:
                    used.add(f"entity.{DESCRIPTION_PLATFORMS[fname]}.{key}.name")
                elif module in ENTITY_PLATFORMS:
                    used.add(f"entity.{module}.{key}.name")
            if fname == "async_abort" and (reason := _string_kw(node, "reason")):
                # A repairs fix flow's abort lives under the issue it fixes (any issue).
                section = "issues.*.fix_flow" if module == "repairs" else "config"
                used.add(f"{section}.abort.{reason}")
            if fname == "async_show_form" and (step := _string_kw(node, "step_id")):
                flow = "options" if id(node) in options_nodes else "config"
                used.add(f"{flow}.step.{step}")
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            and any(
                isinstance(t, ast.Subscript)
                and isinstance(t.value, ast.Name)
                and t.value.id == "errors"
                for t in node.targets
            )
        ):
            used.add(f"config.error.{node.value.value}")
    return used


def missing_translations(en: Mapping[str, Any], component: Path = COMPONENT) -> list[str]:
    """Return the translation paths used in the component's code but absent from en.json."""
    present = set(_leaves(en))
    prefixes = {p.rsplit(".", n)[0] for p in present for n in range(1, p.count(".") + 1)}
    problems = [
        f"{path.name} uses {key}, missing from en.json"
        for path in sorted(component.rglob("*.py"))
        if "physiology" not in path.parts and "strap" not in path.parts
        for key in sorted(used_translation_keys(path.read_text(encoding="utf-8"), path.stem))
        if key not in present
        and key not in prefixes
        and not ("*" in key and fnmatch.filter(present, key))
    ]
    services = component / "services.yaml"
    if services.exists():
        declared = re.findall(
            r"^([a-z_]+):\s*$", services.read_text(encoding="utf-8"), re.MULTILINE
        )
        problems.extend(
            f"services.yaml declares {name}, missing from en.json services"
            for name in declared
            if f"services.{name}.name" not in present
        )
    return problems
