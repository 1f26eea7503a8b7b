"""In a real browser (Debian's chromium via Playwright): log in, filter, open an account, see the
chart drawn, record a sentiment, log the recommended action and see it on the actions page,
complete it, switch to French. Screenshots go to docs/screenshots/."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from helpers_web import PASSWORDS

from vigie.web.app import create_app

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(workspace_dir: Path) -> Iterator[str]:
    """The dashboard on 127.0.0.1 in a background thread, stopped after the test."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(workspace_dir), host="127.0.0.1", port=port, log_level="error"
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(10)


@pytest.fixture
def page(server: str):
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        pytest.fail("chromium is not installed: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=LAUNCH_ARGS)
        context = browser.new_context(base_url=server, viewport={"width": 1400, "height": 900})
        context.set_default_timeout(30_000)
        yield context.new_page()
        browser.close()


def test_a_csm_works_through_the_dashboard(page) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)  # plotly.min.js is 4.8 MB and the machine is shared
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto("/portfolio")
    expect(page).to_have_url("/login?next=%2Fportfolio")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORDS["alice"])
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Portfolio")
    page.screenshot(path=SCREENSHOTS / "portfolio.png", full_page=True)

    page.check("input[name=band][value=red]")
    page.click("#apply")
    expect(page).to_have_url(re.compile(r"/portfolio\?band=red&"))
    chips = page.locator("#portfolio tbody .chip")
    assert chips.count() > 0
    assert {c.get_attribute("style") for c in chips.all()} == {"background: #c62828"}

    page.locator("#portfolio tbody a").first.click()
    expect(page.locator("#chart .main-svg").first).to_be_visible()
    assert page.locator("#chart .scatterlayer .trace").count() == 1
    page.screenshot(path=SCREENSHOTS / "account.png", full_page=True)

    page.goto("/accounts/ACC-00001")
    page.check("#sentiment-form input[name=rating][value=yellow]")
    page.check("#sentiment-form input[name=reasons][value=budget]")
    page.fill("#sentiment-form textarea[name=comment]", "Budget freeze until Q3")
    page.click("#sentiment-form button[type=submit]")
    expect(page.locator("#sentiments li").first).to_contain_text("Budget freeze until Q3")

    page.goto("/book")
    expect(page.locator("#book tbody tr").first).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "book.png", full_page=True)
    page.goto("/accounts/ACC-00001")
    action = page.locator("#recommended b").first.inner_text()
    page.click("#log-recommended button")
    expect(page.locator("#action-list li").first).to_contain_text(action)
    page.goto("/actions")
    expect(page.locator("#actions tbody tr").first).to_contain_text(action)
    expect(page.locator("#actions tbody tr").first).to_contain_text("open")
    page.goto("/accounts/ACC-00001")
    page.fill(".close-action input[name=outcome]", "Sponsor call booked")
    page.click(".close-action button[type=submit]")
    expect(page.locator("#action-list li").first).to_contain_text("Sponsor call booked")
    page.goto("/actions?status=done")
    expect(page.locator("#actions tbody")).to_contain_text("Sponsor call booked")
    page.screenshot(path=SCREENSHOTS / "actions.png", full_page=True)

    page.goto("/trends")
    expect(page.locator("#chart .main-svg").first).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "trends.png", full_page=True)

    page.goto("/board")
    page.screenshot(path=SCREENSHOTS / "board.png", full_page=True)
    page.select_option("#language", "fr")
    expect(page.locator("h1")).to_contain_text("Tableau")
    page.goto("/portfolio")
    expect(page.locator("h1")).to_contain_text("Portefeuille")
    expect(page.locator("#portfolio thead")).to_contain_text("ARR à risque")
    page.screenshot(path=SCREENSHOTS / "portfolio-fr.png", full_page=True)
