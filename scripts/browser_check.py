"""Browser check of the dashboard card against a running demo (scripts/test browser).

Expects Home Assistant from ``scripts/run`` on ``--url`` (onboarded, demo login, the demo person
with its month of history and the streaming emulated strap). Logs in with the demo login through
Home Assistant's login flow, creates a dashboard from the ``custom:recovery-readiness`` strategy,
opens it in Debian's headless Chromium (driven by Playwright; no browser download) and checks:

* the card shows a readiness score (a number in the gauge);
* the HRV chart has its shaded normal range, the sleep chart its bars;
* the live heart rate shown by the card changes within 30 s;
* the browser console has no errors (and the page no uncaught exceptions).

Screenshots (light and dark, desktop and phone width) go to ``--out`` (git-ignored).
Exit status 0 when every check passed; the failures are printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import ConsoleMessage, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
DASHBOARD = "recovery-check"
CARD = "recovery-readiness-card"
SIZES = {"desktop": (1280, 1000), "phone": (390, 844)}
SCORE_TIMEOUT_S = 180
LIVE_TIMEOUT_S = 30


def _post(url: str, data: dict[str, Any], *, form: bool = False) -> dict[str, Any]:
    if form:
        body = urllib.parse.urlencode(data).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
    else:
        body = json.dumps(data).encode()
        headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        result: dict[str, Any] = json.loads(response.read())
        return result


def login(url: str, user: str, password: str) -> dict[str, Any]:
    """Home Assistant's login flow with the given login; return the frontend's token record."""
    client_id = f"{url}/"
    flow = _post(
        f"{url}/auth/login_flow",
        {
            "client_id": client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": f"{url}/?auth_callback=1",
        },
    )
    step = _post(
        f"{url}/auth/login_flow/{flow['flow_id']}",
        {"client_id": client_id, "username": user, "password": password},
    )
    if step.get("type") != "create_entry":
        msg = f"login refused: {step}"
        raise RuntimeError(msg)
    tokens = _post(
        f"{url}/auth/token",
        {"grant_type": "authorization_code", "code": step["result"], "client_id": client_id},
        form=True,
    )
    return tokens | {
        "hassUrl": url,
        "clientId": client_id,
        "expires": int(time.time() * 1000) + int(tokens["expires_in"]) * 1000,
    }


def _wait_for_hass(page: Page) -> None:
    page.wait_for_function(
        "() => { const h = document.querySelector('home-assistant');"
        " return h && h.hass && h.hass.connected; }",
        timeout=120_000,
    )


def create_dashboard(page: Page) -> None:
    """A storage dashboard whose config is the card's strategy (kept when it exists)."""
    page.evaluate(
        """async ([path]) => {
          const hass = document.querySelector('home-assistant').hass;
          const boards = await hass.callWS({type: 'lovelace/dashboards/list'});
          if (!boards.some((b) => b.url_path === path)) {
            await hass.callWS({type: 'lovelace/dashboards/create', url_path: path,
              title: 'Recovery check', mode: 'storage', show_in_sidebar: true,
              require_admin: false});
          }
          await hass.callWS({type: 'lovelace/config/save', url_path: path,
            config: {strategy: {type: 'custom:recovery-readiness'}}});
        }""",
        [DASHBOARD],
    )


def _text(page: Page, selector: str) -> str:
    locator = page.locator(f"{CARD} {selector}").first
    return (locator.text_content(timeout=5_000) or "").strip()


def _wait_score(page: Page, failures: list[str]) -> None:
    deadline = time.monotonic() + SCORE_TIMEOUT_S
    score = ""
    while time.monotonic() < deadline:
        try:
            score = _text(page, ".gauge .score")
        except Exception:  # not rendered yet: keep waiting
            score = ""
        if score.isdigit():
            print(f"  score shown: {score}")
            return
        time.sleep(2)
    failures.append(f"no readiness score in the card after {SCORE_TIMEOUT_S} s (shows {score!r})")


def _check_charts(page: Page, failures: list[str]) -> None:
    bands = page.locator(f"{CARD} .section-hrv polygon.band").count()
    means = page.locator(f"{CARD} .section-hrv polyline.mean").count()
    bars = page.locator(f"{CARD} .section-sleep rect.bar").count()
    print(f"  HRV chart: {bands} band polygon(s), {means} mean line(s); sleep bars: {bars}")
    if bands < 1:
        failures.append("the HRV chart has no shaded normal range")
    if means < 1:
        failures.append("the HRV chart has no 7-day mean line")
    if bars < 1:
        failures.append("the sleep chart has no bars")


def _check_live_hr(page: Page, failures: list[str]) -> None:
    try:
        first = _text(page, ".hr-value")
    except Exception:
        failures.append("the card shows no live heart rate")
        return
    deadline = time.monotonic() + LIVE_TIMEOUT_S
    while time.monotonic() < deadline:
        time.sleep(1)
        now = _text(page, ".hr-value")
        if now != first:
            print(f"  live heart rate changed: {first} -> {now} bpm")
            return
    failures.append(f"the live heart rate stayed {first} bpm for {LIVE_TIMEOUT_S} s")


def _screenshots(page: Page, out: Path) -> None:
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            page.wait_for_timeout(1_500)
            path = out / f"card-{size}-{scheme}.png"
            page.screenshot(path=str(path), full_page=True)
            print(f"  screenshot: {path}")


def _check_dutch(page: Page, out: Path, failures: list[str]) -> None:
    """The card follows the user's language: Dutch after switching the frontend to it."""
    page.evaluate("localStorage.setItem('selectedLanguage', JSON.stringify('nl'))")
    page.reload(wait_until="domcontentloaded")
    _wait_for_hass(page)
    heading = page.locator(f"{CARD} .section-today h3").first
    try:
        heading.wait_for(state="attached", timeout=60_000)
        page.wait_for_timeout(1_500)
        text = (heading.text_content() or "").strip()
    except PlaywrightTimeoutError:
        text = ""
    if text != "Vandaag":
        failures.append(f"in Dutch the card's first section reads {text!r}, not 'Vandaag'")
    path = out / "card-phone-dark-nl.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"  Dutch: first section {text!r}; screenshot: {path}")
    page.evaluate("localStorage.removeItem('selectedLanguage')")


def run(url: str, user: str, password: str, out: Path) -> list[str]:
    """Do every check; return the failures."""
    failures: list[str] = []
    console_errors: list[str] = []
    tokens = login(url, user, password)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": SIZES["desktop"][0], "height": SIZES["desktop"][1]}
        )
        # Only the local Home Assistant: nothing may be fetched from elsewhere.
        local = urllib.parse.urlsplit(url).netloc
        context.route(
            lambda u: urllib.parse.urlsplit(u).netloc not in {local, ""},
            lambda route: route.fulfill(status=204, body=""),
        )
        context.add_init_script(
            f"window.localStorage.setItem('hassTokens', {json.dumps(json.dumps(tokens))});"
        )
        page = context.new_page()

        def on_console(msg: ConsoleMessage) -> None:
            if msg.type == "error":
                console_errors.append(f"{msg.text} ({msg.location.get('url', '')})")
                print(f"  console error: {msg.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda err: console_errors.append(f"uncaught: {err}"))
        page.goto(url, wait_until="domcontentloaded")
        _wait_for_hass(page)
        create_dashboard(page)
        page.goto(f"{url}/{DASHBOARD}/readiness", wait_until="domcontentloaded")
        _wait_for_hass(page)
        try:
            page.locator(CARD).first.wait_for(state="attached", timeout=60_000)
        except PlaywrightTimeoutError:
            failures.append("the dashboard shows no Recovery Readiness card after 60 s")
            page.screenshot(path=str(out / "no-card.png"), full_page=True)
        else:
            _wait_score(page, failures)
            _check_charts(page, failures)
            _check_live_hr(page, failures)
            _screenshots(page, out)
            _check_dutch(page, out, failures)
        browser.close()
    failures.extend(f"console error: {e}" for e in console_errors)
    return failures


def main() -> int:
    """Parse the arguments, run the checks, print the result."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", default="http://127.0.0.1:8123")
    parser.add_argument("--user", default="demo")
    parser.add_argument("--password", default="demo-recovery")
    parser.add_argument("--out", type=Path, default=Path("browser-check"))
    args = parser.parse_args()
    failures = run(args.url.rstrip("/"), args.user, args.password, args.out)
    if failures:
        print("browser check FAILED:")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    print("browser check passed: score, HRV band, sleep bars, live heart rate, no console errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
