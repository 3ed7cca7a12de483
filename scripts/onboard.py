"""Complete Home Assistant's onboarding through its own HTTP API (used by scripts/run).

Steps (homeassistant/components/onboarding/views.py): create the owner (`users`, no auth; answers
an auth code), swap the code for a token at /auth/token, then `core_config`, `analytics` and
`integration` with that token. A finished step answers 403, so re-running is harmless.

Then the default dashboard (Overview) becomes the integration's dashboard strategy
(``{"strategy": {"type": "custom:recovery-readiness"}}``, defined by the card's JS), saved through
the websocket API (``lovelace/config/save`` without ``url_path``), but only while the dashboard
has no stored config (``lovelace/config`` answers ``config_not_found``, i.e. it is still
auto-generated): a dashboard the user edited is never replaced. On a re-run (onboarding already
done) the token comes from HA's login flow with the demo login; if that login no longer works,
the dashboard is left alone.
"""

from __future__ import annotations

import asyncio
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8123"
USER = sys.argv[2] if len(sys.argv) > 2 else "demo"
PASSWORD = sys.argv[3] if len(sys.argv) > 3 else "demo-recovery"
CLIENT_ID = f"{BASE}/"
STRATEGY = {"strategy": {"type": "custom:recovery-readiness"}}


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


def _onboard() -> str | None:
    """Finish onboarding; the owner's token when this run created the owner."""
    steps = _steps_done()
    if steps is None or all(steps.values()):
        print("onboarding: already complete")
        return None
    if steps.get("user"):
        print("onboarding: the owner exists but later steps are open; finish them in the browser")
        return None
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
    token = _token(str(created["auth_code"]))
    _post("/api/onboarding/core_config", {}, token)
    _post("/api/onboarding/analytics", {}, token)
    _post(
        "/api/onboarding/integration",
        {"client_id": CLIENT_ID, "redirect_uri": f"{BASE}/?auth_callback=1"},
        token,
    )
    print(f"onboarding: complete (owner '{USER}')")
    return token


def _token(code: str) -> str:
    tokens = _post(
        "/auth/token",
        {"grant_type": "authorization_code", "code": code, "client_id": CLIENT_ID},
        form=True,
    )
    assert isinstance(tokens, dict)
    return str(tokens["access_token"])


def _login() -> str | None:
    """A token through HA's login flow with the demo login; None when it is refused."""
    flow = _post(
        "/auth/login_flow",
        {
            "client_id": CLIENT_ID,
            "handler": ["homeassistant", None],
            "redirect_uri": f"{BASE}/?auth_callback=1",
        },
    )
    assert isinstance(flow, dict)
    step = _post(
        f"/auth/login_flow/{flow['flow_id']}",
        {"client_id": CLIENT_ID, "username": USER, "password": PASSWORD},
    )
    if not isinstance(step, dict) or step.get("type") != "create_entry":
        return None
    return _token(str(step["result"]))


async def _default_dashboard(token: str) -> str:
    """Save the strategy as the default dashboard unless it has a stored config."""
    import aiohttp  # noqa: PLC0415  (Home Assistant's environment has it; only needed here)

    url = BASE.replace("http", "ws", 1) + "/api/websocket"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        await ws.receive_json()  # auth_required
        await ws.send_json({"type": "auth", "access_token": token})
        if (await ws.receive_json()).get("type") != "auth_ok":
            return "dashboard: websocket login refused; left alone"
        await ws.send_json({"id": 1, "type": "lovelace/config"})
        current = await ws.receive_json()
        if current.get("success") or current.get("error", {}).get("code") != "config_not_found":
            return "dashboard: the default dashboard has its own config; left alone"
        await ws.send_json({"id": 2, "type": "lovelace/config/save", "config": STRATEGY})
        saved = await ws.receive_json()
        if not saved.get("success"):
            return f"dashboard: could not save the strategy: {saved.get('error')}"
        return "dashboard: Overview shows the Recovery Readiness strategy"


def main() -> int:
    token = _onboard() or _login()
    if token is None:
        print("dashboard: no login for the demo user; left alone")
        return 0
    print(asyncio.run(_default_dashboard(token)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
