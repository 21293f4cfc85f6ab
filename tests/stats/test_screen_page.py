"""The display page in a real browser: Debian's chromium driven by Playwright (it downloads no
browser of its own). The page pairs itself, shows the street's dashboard, and a case reported
through the API changes today's received figure on the page within 3 seconds. A screenshot is
kept under var/ (CI keeps it as an artefact)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from resolvers.services import Services
from tests.cases.support import SQUARE, CaseStreet, reported
from tests.stats.support import PAIR
from tests.support import Api

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium (.ci/run installs it)"
)

RECEIVED = '[data-figure="cases.received"]'


async def outline_the_grid(services: Services, cs: CaseStreet) -> None:
    """The street's grid gets its outline, so the page draws the street's map."""
    from models.accounts import User
    from models.scoping import street_scope
    from models.tenancy import Street
    from resolvers.caller import Caller
    from resolvers.cases import setup

    with street_scope(cs.street.street_id):
        admin = await User.get(username=cs.street.admin_username)
        street = await Street.get(id=cs.street.street_id)
        await setup.set_grid_boundary(Caller(services, admin, street), cs.street.grid_id, SQUARE)


@needs_chromium
async def test_a_paired_screen_shows_a_new_case_within_3_seconds(
    api: Api, services: Services, cs: CaseStreet, live_url: str
) -> None:
    from playwright.async_api import async_playwright

    admin = await api.login(cs.street.admin_username, cs.street.admin_password)
    await outline_the_grid(services, cs)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = await browser.new_page(viewport={"width": 1920, "height": 1080})
            failures: list[str] = []
            console: list[str] = []
            page.on("requestfailed", lambda r: failures.append(r.url))
            page.on("console", lambda m: console.append(m.text))
            page.on("pageerror", lambda e: console.append(str(e)))
            await page.goto(f"http://{live_url}/screen/")
            code = page.get_by_test_id("pairing-code")
            await page.wait_for_function(
                "/^[2-9A-Z]{8}$/.test(document.querySelector('[data-testid=pairing-code]')"
                ".textContent)"
            )
            shown = (await code.text_content() or "").strip()
            body = await api.gql(
                PAIR,
                {"input": {"code": shown, "name": "大厅", "scope": {"kind": "STREET"}}},
                token=admin,
                tenant=cs.tenant,
            )
            assert body["data"]["pairScreen"]["__typename"] == "ScreenSuccess", body
            figure = page.locator(RECEIVED)
            try:
                await figure.wait_for(timeout=15_000)
            except Exception:
                SHOTS.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=str(SHOTS / "screen-failed.png"))
                raise AssertionError(f"the dashboard did not show: {console} {failures}") from None
            before = int(await figure.text_content() or "0")

            await reported(api, cs, location={"longitude": 114.2, "latitude": 30.55})
            await page.wait_for_function(
                f"document.querySelector('{RECEIVED}').textContent === '{before + 1}'",
                timeout=3_000,
            )
            assert "城市管理" in (await page.locator("#cases-items").text_content() or "")
            SHOTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(SHOTS / "screen.png"))
            assert not [u for u in failures if not u.startswith(f"http://{live_url}")], failures
        finally:
            await browser.close()


async def test_the_pages_operations_are_trusted_documents(api: Api) -> None:
    """Under GONGZHI_TRUSTED_DOCUMENTS=require a display runs only the manifest's documents:
    the page takes its five bodies from /screen/operations.json, the manifest's own."""
    from core.settings import TrustedDocuments
    from schema.stats.domain import PAGE, PAGE_OPERATIONS
    from schema.trusted import DocumentStore, read_manifest

    served = (await api.client.get("/screen/operations.json")).json()
    assert set(served) == set(PAGE_OPERATIONS)
    store = DocumentStore(TrustedDocuments.REQUIRE, read_manifest())
    for body in served.values():
        store.check(body, restricted=True)  # raises when refused
    script = (PAGE / "screen.js").read_text(encoding="utf-8")
    for name in PAGE_OPERATIONS:
        assert f'op("{name}"' in script, name
