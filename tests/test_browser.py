"""The HTML report in a real headless Chromium (Debian package; `.ci/system-deps` installs it).

Chromium runs offline-safe (--headless --no-sandbox --disable-gpu, background networking, component
updates, sync and QUIC disabled, a fresh --user-data-dir) and is driven over the DevTools protocol
with websocket-client: console messages, exceptions and log entries are collected while the report
loads; then every <img> must have loaded (naturalWidth > 0), and the hostile article title must be
text on the page, not markup. A screenshot of the first screen is kept in tests/artifacts/.
"""
from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from report_corpus import HOSTILE_TITLE, build_store

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        pytest.fail("chromium not installed: run `bash .ci/system-deps` (apt-get install chromium)")
    return exe


class DevTools:
    """A minimal Chrome DevTools Protocol client over one page websocket."""

    def __init__(self, ws_url: str):
        import websocket  # websocket-client, installed with jupyter

        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        mid = self.next_id
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == mid:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method: str, timeout: float = 30.0) -> dict:
        for ev in self.events:
            if ev.get("method") == method:
                return ev
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            msg = json.loads(self.ws.recv())
            self.events.append(msg)
            if msg.get("method") == method:
                return msg
        raise TimeoutError(method)

    def drain(self, seconds: float) -> None:
        self.ws.settimeout(0.2)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                self.events.append(json.loads(self.ws.recv()))
            except Exception:  # noqa: BLE001 - timeout: nothing more to read
                pass
        self.ws.settimeout(30)

    def close(self) -> None:
        self.ws.close()


@pytest.fixture(scope="module")
def report_html(tmp_path_factory) -> Path:
    from opslens.report import run_report

    base = tmp_path_factory.mktemp("browser")
    store = build_store(base / "store")
    return run_report("2022-W46", data_dir=store, out_dir=base / "report")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    proc = subprocess.Popen(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--disable-extensions", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--window-size=1280,900",
         "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        port_file = profile / "DevToolsActivePort"
        end = time.monotonic() + 30
        while not port_file.is_file() or not port_file.read_text().strip():
            if proc.poll() is not None or time.monotonic() > end:
                err = proc.stderr.read().decode(errors="replace")[-2000:] if proc.stderr else ""
                pytest.fail(f"chromium did not start (exit {proc.poll()}): {err}")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
        page = next(t for t in targets if t.get("type") == "page")
        yield page["webSocketDebuggerUrl"]
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def loaded_page(browser, report_html):
    """The report loaded in Chromium: (DevTools client, console/log problems)."""
    dt = DevTools(browser)
    for domain in ("Page", "Runtime", "Log"):
        dt.call(f"{domain}.enable")
    dt.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
    dt.call("Page.navigate", url=report_html.resolve().as_uri())
    dt.wait_for("Page.loadEventFired")
    dt.drain(0.5)
    problems = []
    for ev in dt.events:
        m, p = ev.get("method"), ev.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
            problems.append(f"console.{p['type']}: {[a.get('value', a.get('description')) for a in p.get('args', [])]}")
        elif m == "Runtime.exceptionThrown":
            problems.append(f"exception: {p.get('exceptionDetails', {}).get('text')}")
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") in ("error", "warning"):
            e = p["entry"]
            problems.append(f"log {e.get('level')} ({e.get('source')}): {e.get('text')} {e.get('url', '')}")
    yield dt, problems
    dt.close()


def _eval(dt: DevTools, expr: str):
    res = dt.call("Runtime.evaluate", expression=expr, returnByValue=True)
    if "exceptionDetails" in res:
        raise AssertionError(f"{expr}: {res['exceptionDetails']}")
    return res["result"].get("value")


def test_report_renders_without_console_errors(loaded_page):
    _dt, problems = loaded_page
    assert problems == []


def test_every_image_loads(loaded_page):
    dt, _ = loaded_page
    imgs = _eval(dt, "Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])")
    assert imgs, "the report has no image"
    broken = [i for i in imgs if not (i[0] and i[1] > 0)]
    assert broken == []
    assert all(i[2] for i in imgs), "every chart has alt text"


def test_hostile_title_shows_as_text(loaded_page):
    dt, _ = loaded_page
    assert _eval(dt, f"document.body.innerText.includes({json.dumps(HOSTILE_TITLE)})") is True
    # nothing from the title became markup: no <img src=x>, no script ran, no script element at all
    assert _eval(dt, "document.querySelectorAll('img[src=\"x\"], script').length") == 0
    assert _eval(dt, "document.title") != "pwned"


def test_report_sections_visible(loaded_page):
    dt, _ = loaded_page
    heads = _eval(dt, "Array.from(document.querySelectorAll('h1,h2')).map(h => h.textContent.replace('¶','').trim())")
    for section in ("Drone attacks", "Missile attacks", "Where", "Ground assaults", "Aid announcements",
                    "Procurement", "Evidence", "Provenance"):
        assert section in heads


def test_first_screen_screenshot_kept(loaded_page):
    dt, _ = loaded_page
    shot = dt.call("Page.captureScreenshot", format="png", clip={"x": 0, "y": 0, "width": 1280, "height": 900, "scale": 1})
    png = base64.b64decode(shot["data"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report_first_screen.png").write_bytes(png)
