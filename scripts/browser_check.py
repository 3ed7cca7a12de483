"""Browser check of the dashboard card against a running demo (scripts/test browser).

Expects Home Assistant from ``scripts/run`` on ``--url`` (onboarded, demo login, the demo person
with its month of history and the streaming emulated strap). Logs in with the demo login through
Home Assistant's login flow, creates a dashboard from the ``custom:recovery-readiness`` strategy,
opens it in Debian's headless Chromium (driven by Playwright; no browser download) and checks:

* the card shows a readiness score (a number in the gauge);
* the HRV chart has its shaded normal range, the sleep chart its bars;
* the training section has load bars and fitness/fatigue lines when the profile has training
  history (asked from the ``recovery_readiness/history`` websocket command, not from the card);
  ``--log-sessions N`` first logs N sessions over the last days with the ``log_session`` action
  through the REST API, for a demo without training history;
* the breathing section has its pacer; its start button starts a session and the pacer
  circle then moves (the session is stopped again afterwards);
* the live heart rate shown by the card changes within 30 s;
* the card is there also when its module runs before the frontend's app bundle (the app
  bundle is held back 2 s in that page load): the load-order race behind "Timeout waiting for
  strategy element" (see the card's defineElements);
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

from playwright.sync_api import ConsoleMessage, Page, Route, sync_playwright
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
PACER_TIMEOUT_S = 30
APP_DELAY_MS = 2_000
DOMAIN = "recovery_readiness"


def _post(url: str, data: dict[str, Any], *, form: bool = False, token: str | None = None) -> Any:
    if form:
        body = urllib.parse.urlencode(data).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
    else:
        body = json.dumps(data).encode()
        headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


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


def _profile(page: Page) -> str:
    profiles: list[dict[str, Any]] = page.evaluate(
        f"() => document.querySelector('home-assistant').hass.callWS({{type: '{DOMAIN}/profiles'}})"
    )
    if not profiles:
        msg = "the demo has no Recovery Readiness profile"
        raise RuntimeError(msg)
    return str(profiles[0]["profile"])


def log_sessions(url: str, token: str, profile: str, count: int) -> None:
    """Log ``count`` sessions (one a day, ending yesterday) with ``log_session`` over REST."""
    now = time.time()
    for back in range(count, 0, -1):
        start = time.strftime("%Y-%m-%dT%H:%M:00", time.localtime(now - back * 86_400))
        _post(
            f"{url}/api/services/{DOMAIN}/log_session?return_response",
            {"profile": profile, "start": start, "duration_min": 30 + 10 * (back % 4), "rpe": 5},
            token=token,
        )
    print(f"  logged {count} training sessions through the REST API")


def _training_days(page: Page, profile: str) -> int:
    """Days with a training load in the websocket's training series (what the card draws)."""
    days: int = page.evaluate(
        """async ([profile]) => {
          const hass = document.querySelector('home-assistant').hass;
          const h = await hass.callWS({type: 'recovery_readiness/history', profile, days: 60});
          return h.training.days.filter((d) => d.load_trimp !== null).length;
        }""",
        [profile],
    )
    return days


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


def _check_training(page: Page, profile: str, failures: list[str]) -> None:
    section = page.locator(f"{CARD} .section-training")
    if section.count() < 1:
        failures.append("the card has no training section")
        return
    with_load = _training_days(page, profile)
    bars = page.locator(f"{CARD} .section-training rect.load").count()
    ctl = page.locator(f"{CARD} .section-training polyline.ctl").count()
    atl = page.locator(f"{CARD} .section-training polyline.atl").count()
    print(f"  training: {with_load} day(s) with load; {bars} bar(s), {ctl} CTL / {atl} ATL line(s)")
    if with_load == 0:
        failures.append(
            "the history command returns no day with training load: the demo seeds 60 days of "
            "runs through its workout source"
        )
        return
    if bars < 1:
        failures.append(f"the training chart has no load bars ({with_load} days with load)")
    if ctl < 1 or atl < 1:
        failures.append("the training chart has no fitness or fatigue line")


def _circle_scale(page: Page) -> str:
    return str(
        page.locator(f"{CARD} .section-breathing .pacer-circle").first.evaluate(
            "(el) => el.style.transform"
        )
    )


def _check_breathing(page: Page, failures: list[str]) -> None:
    """The pacer is there; the start button starts a session and the circle then moves."""
    if page.locator(f"{CARD} .section-breathing .pacer .pacer-circle").count() < 1:
        failures.append("the breathing section has no pacer")
        return
    button = page.locator(f"{CARD} .section-breathing button.start").first
    # A session of an earlier run may still be recording its minute after: wait for the end.
    deadline = time.monotonic() + 90
    while button.is_disabled() and time.monotonic() < deadline:
        page.wait_for_timeout(1_000)
    try:
        button.click(timeout=10_000)
    except PlaywrightTimeoutError:
        failures.append("the breathing start button stayed disabled")
        return
    try:
        page.locator(f"{CARD} .section-breathing .pacer.running").first.wait_for(
            state="attached", timeout=PACER_TIMEOUT_S * 1000
        )
    except PlaywrightTimeoutError:
        failures.append(f"the pacer did not start within {PACER_TIMEOUT_S} s of the start button")
        return
    seen = {_circle_scale(page)}
    phases = set()
    deadline = time.monotonic() + 8
    while time.monotonic() < deadline and len(seen) < 3:
        page.wait_for_timeout(400)
        seen.add(_circle_scale(page))
        phases.add(
            page.locator(f"{CARD} .section-breathing .pacer").first.get_attribute("data-phase")
        )
    print(
        f"  breathing: pacer running, {len(seen)} circle sizes seen,"
        f" phases {sorted(map(str, phases))}"
    )
    if len(seen) < 3:  # a moving circle: several sizes within 8 s
        failures.append(f"the pacer circle does not move while a session runs ({seen})")


def _stop_breathing(page: Page, profile: str) -> None:
    page.evaluate(
        """async ([profile]) => {
          const hass = document.querySelector('home-assistant').hass;
          // The first stop ends the pacer, the second the minute after it (with a strap).
          for (let i = 0; i < 2; i += 1) {
            try { await hass.callService('recovery_readiness', 'stop_breathing', {profile}); }
            catch (err) { /* already over */ }
          }
        }""",
        [profile],
    )


def _check_module_first(page: Page, url: str, out: Path, failures: list[str]) -> None:
    """The card also comes up when its module runs before the frontend's app bundle.

    The app bundle (``/frontend_latest/app.*.js``) is served with a first statement that waits
    `APP_DELAY_MS`, so the card's module is evaluated first, before the app installs its
    scoped custom-element registry. The app then records whether the card's module had already
    run (``window.customCards``), so the check knows the race was really provoked.
    """
    prefix = (
        f"await new Promise((r) => setTimeout(r, {APP_DELAY_MS}));"
        "window.__rrCardFirst = (window.customCards || [])"
        f".some((c) => c.type === '{CARD}');\n"
    )

    def delay_app(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=prefix + response.text())

    page.route(lambda u: "/frontend_latest/app." in u and u.endswith(".js"), delay_app)
    try:
        page.goto(f"{url}/{DASHBOARD}/readiness", wait_until="domcontentloaded")
        _wait_for_hass(page)
        page.locator(f"{CARD} .gauge").first.wait_for(state="attached", timeout=60_000)
        first = page.evaluate("() => window.__rrCardFirst")
    except PlaywrightTimeoutError:
        failures.append("with the card's module run before the app bundle, no card in 60 s")
        page.screenshot(path=str(out / "module-first.png"), full_page=True)
        return
    finally:
        page.unroute_all(behavior="ignoreErrors")
    print(f"  module before the app bundle: {first}; the card is there")
    if first is not True:
        failures.append("the card's module did not run before the delayed app bundle")


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
            if size == "desktop" and scheme == "light":
                # The card alone (no app bar over it): the image the README shows.
                # A viewport taller than the card: nothing scrolls under the app bar.
                card = out / "card.png"
                page.set_viewport_size({"width": width, "height": 2600})
                page.wait_for_timeout(1_000)
                page.locator(CARD).first.screenshot(path=str(card))
                page.set_viewport_size({"width": width, "height": height})
                print(f"  screenshot: {card} (the card alone; README: docs/demo-card.png)")


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


def run(url: str, user: str, password: str, out: Path, sessions: int = 0) -> list[str]:
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
        profile = _profile(page)
        if sessions:
            log_sessions(url, str(tokens["access_token"]), profile, sessions)
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
            _check_training(page, profile, failures)
            _check_live_hr(page, failures)
            _check_breathing(page, failures)
            _screenshots(page, out)
            _stop_breathing(page, profile)
            _check_dutch(page, out, failures)
            _check_module_first(page, url, out, failures)
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
    parser.add_argument(
        "--log-sessions",
        type=int,
        default=0,
        metavar="N",
        help="first log N training sessions (one a day) through the REST API",
    )
    args = parser.parse_args()
    failures = run(args.url.rstrip("/"), args.user, args.password, args.out, args.log_sessions)
    if failures:
        print("browser check FAILED:")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    print(
        "browser check passed: score, HRV band, sleep bars, training, pacer, live heart rate,"
        " card with its module first, no console errors"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
