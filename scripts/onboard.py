"""Complete Home Assistant's onboarding through its own HTTP API (used by scripts/run).

Steps (homeassistant/components/onboarding/views.py): create the owner (`users`, no auth; answers
an auth code), swap the code for a token at /auth/token, then `core_config`, `analytics` and
`integration` with that token. A finished step answers 403, so re-running is harmless.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8123"
USER = sys.argv[2] if len(sys.argv) > 2 else "demo"
PASSWORD = sys.argv[3] if len(sys.argv) > 3 else "demo-recovery"
CLIENT_ID = f"{BASE}/"


def _post(
    path: str, body: dict[str, object], token: str | None = None, *, form: bool = False
) -> object:
    data = urllib.parse.urlencode(body).encode() if form else json.dumps(body).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded" if form else "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(f"{BASE}{path}", data=data, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def _steps_done() -> dict[str, bool] | None:
    try:
        with urllib.request.urlopen(f"{BASE}/api/onboarding", timeout=30) as response:
            return {step["step"]: step["done"] for step in json.loads(response.read())}
    except urllib.error.HTTPError as err:
        if err.code == 404:  # onboarding finished and HA restarted since
            return None
        raise


def main() -> int:
    steps = _steps_done()
    if steps is None or all(steps.values()):
        print("onboarding: already complete")
        return 0
    if steps.get("user"):
        print("onboarding: the owner exists but later steps are open; finish them in the browser")
        return 0
    created = _post(
        "/api/onboarding/users",
        {
            "client_id": CLIENT_ID,
            "name": "Demo",
            "username": USER,
            "password": PASSWORD,
            "language": "en",
        },
    )
    assert isinstance(created, dict)
    tokens = _post(
        "/auth/token",
        {"grant_type": "authorization_code", "code": created["auth_code"], "client_id": CLIENT_ID},
        form=True,
    )
    assert isinstance(tokens, dict)
    token = str(tokens["access_token"])
    _post("/api/onboarding/core_config", {}, token)
    _post("/api/onboarding/analytics", {}, token)
    _post(
        "/api/onboarding/integration",
        {"client_id": CLIENT_ID, "redirect_uri": f"{BASE}/?auth_callback=1"},
        token,
    )
    print(f"onboarding: complete (owner '{USER}')")
    return 0


if __name__ == "__main__":
    sys.exit(main())
