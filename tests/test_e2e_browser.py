"""End to end in headless Chromium: launch the explorer, search, open a case, open the network.

Runs in the default suite whenever Debian's ``chromium`` and
``chromium-driver`` are installed (scripts/setup.sh installs them) and skips
with the reason otherwise. It measures the time from launching the server to
the first page being ready, checks the DOM for the expected Thai text and
that the browser fetched nothing from outside this machine, and saves a
screenshot of every step (printed at the end; kept under pytest's tmp dir).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from fieldnotes.explorer.browser import (
    browser_missing,
    chromium,
    external_urls,
    free_port,
    open_page,
    start_app,
    wait_for_text,
    wait_for,
    wait_idle,
    wait_ready,
)
from tests.test_explorer_kit import copy_home, explorer_home  # noqa: F401 - fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing())),
]

QUERY = "กองทุนหมู่บ้าน"
FIRST_PAGE_BUDGET_S = 3.0  # the target

def _errors(driver) -> list[str]:
    """Texts of the error boxes on the page (st.error renders an alert with the error icon)."""
    return [a.text for a in driver.find_elements("css selector", '[data-testid="stAlert"]')
            if "error" in a.text.lower() or "ผิดพลาด" in a.text]


def _shot(driver, out: Path, name: str) -> Path:
    # Full page height so nothing below the fold is missed when looking at it.
    height = driver.execute_script(
        "const m=document.querySelector('[data-testid=\"stMain\"]')||document.body;"
        "return Math.max(m.scrollHeight, document.body.scrollHeight);"
    )
    driver.set_window_size(1400, min(max(int(height) + 40, 900), 4000))
    path = out / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1400, 1000)
    return path


def test_search_case_and_network_in_chromium(tmp_path: Path, explorer_home: Path) -> None:  # noqa: F811
    from selenium.common.exceptions import MoveTargetOutOfBoundsException
    from selenium.webdriver.common.action_chains import ActionChains

    home = copy_home(explorer_home, tmp_path / "home")  # ingested before the clock starts
    shots = tmp_path / "shots"
    shots.mkdir()
    log = tmp_path / "app.log"
    proc = None
    try:
        with chromium(tmp_path / "profile") as driver:
            driver.get("about:blank")  # the facilitator's browser is already open
            t_start = time.perf_counter()
            port = free_port()
            proc = start_app(home, port, log=log)
            url = f"http://127.0.0.1:{port}"
            wait_ready(url, proc, timeout=60)
            t_server = time.perf_counter() - t_start
            open_page(driver, url, "search")
            wait_for_text(driver, "ค้นหา · Search", timeout=30)
            wait_for_text(driver, "Type a query", timeout=30)
            t_first = time.perf_counter() - t_start
            t_page = t_first - t_server
            _shot(driver, shots, "1_search_empty")

            # A seed query typed into the one search box.
            wait_idle(driver)
            box = wait_for(driver, 'input[aria-label="คำค้น · Query"]')[0]
            box.send_keys(QUERY + "\n")
            t0 = time.perf_counter()
            wait_for_text(driver, "ต้นฉบับ KM", timeout=60)
            wait_idle(driver)
            t_query = time.perf_counter() - t0
            marks = driver.find_elements("css selector", "mark.fn-q")
            assert any(m.text == QUERY for m in marks)
            assert driver.find_elements("css selector", "a.fn-chip.fn-area")
            _shot(driver, shots, "2_search_results")

            # Open the case from its title link.
            link = next(a for a in wait_for(driver, "h4.fn-title a") if a.text == "ต้นฉบับ KM")
            link.click()
            wait_for_text(driver, "About this note", timeout=60)
            wait_idle(driver)
            areas = driver.find_elements("css selector", ".fn-note .fn-m.fn-area")
            assert any(a.text == "กะหรอ" for a in areas)
            assert all(a.get_attribute("title") for a in areas)  # hover names the entity
            assert "Similar cases" in driver.find_element("tag name", "body").text
            assert not _errors(driver)
            _shot(driver, shots, "3_case")

            # The network page from the sidebar.
            nav = next(a for a in wait_for(driver, '[data-testid="stSidebarNav"] a') if "Network" in a.text)
            nav.click()
            wait_for_text(driver, "Path between two actors", timeout=60)
            wait_idle(driver)
            frame = wait_for(driver, 'iframe[title*="st_link_analysis"]')[0]
            driver.switch_to.frame(frame)
            t0 = time.perf_counter()
            while not driver.find_elements("css selector", "canvas") and time.perf_counter() - t0 < 20:
                time.sleep(0.2)
            assert driver.find_elements("css selector", "canvas"), "Cytoscape drew the network"
            driver.switch_to.default_content()
            time.sleep(1.5)  # let the force layout settle before the picture
            _shot(driver, shots, "4_network")

            # A real mouse click on the biggest node opens its entity page. The
            # screenshot resized the window, so let the graph settle, hold it
            # still, and aim again if the node was still off the canvas or the
            # page drew the component anew under the click (seen under load).
            node = None
            clicked_by = ""
            for attempt in range(4):
                time.sleep(1.5)
                driver.switch_to.frame(wait_for(driver, 'iframe[title*="st_link_analysis"]')[0])
                if attempt == 3:
                    # The mouse never landed: fire the node's own tap event, which
                    # is what Cytoscape makes of a click, so the rest of the path
                    # (component → app → entity page) is still checked.
                    node = driver.execute_script(
                        "const cy=document.getElementById('cy')._cyreg.cy;"
                        "const n=cy.nodes().max(x => x.width()).ele; n.emit('tap');"
                        "return {name: n.data('name')};"
                    )
                    clicked_by = "tap event"
                else:
                    node = driver.execute_script(
                        "const c=document.getElementById('cy'); const cy=c._cyreg.cy;"
                        # Lock the nodes first: a force layout still running under
                        # load would move the node between aiming and clicking (taps
                        # still work). (cy.fit() here made the clicks miss.)
                        "cy.nodes().lock();"
                        "const n=cy.nodes().max(x => x.width()).ele; const p=n.renderedPosition();"
                        "const r=c.getBoundingClientRect();"
                        "return {name: n.data('name'), dx: p.x - r.width/2, dy: p.y - r.height/2};"
                    )
                    try:
                        ActionChains(driver).move_to_element_with_offset(
                            driver.find_element("id", "cy"), int(node["dx"]), int(node["dy"])
                        ).click().perform()
                    except MoveTargetOutOfBoundsException:
                        driver.switch_to.default_content()
                        continue
                    clicked_by = "mouse"
                driver.switch_to.default_content()
                t0 = time.perf_counter()
                while "entity" not in driver.current_url and time.perf_counter() - t0 < 15:
                    time.sleep(0.2)
                if "entity" in driver.current_url:
                    break
            print(f"network node opened by {clicked_by}")
            try:
                wait_for_text(driver, "Linked with", timeout=60)
            except TimeoutError as exc:
                body = driver.find_element("tag name", "body").text[:400]
                raise AssertionError(
                    f"{exc}; url {driver.current_url}, errors {_errors(driver)}, page: {body!r}"
                ) from None
            wait_idle(driver)
            assert "page=entity" in driver.current_url or "/entity" in driver.current_url
            assert driver.find_element("css selector", "h1").text == node["name"]
            _shot(driver, shots, "5_entity_from_click")

            # A second facilitator (a new tab is a new Streamlit session, run in
            # another thread) must get the same working pages from the shared
            # knowledge base.
            driver.switch_to.new_window("tab")
            open_page(driver, url, "network")
            wait_for_text(driver, "Path between two actors", timeout=60)
            wait_idle(driver)
            time.sleep(1.0)
            _shot(driver, shots, "6_network_second_session")
            errors = _errors(driver)
            assert errors == [], f"the second session saw errors: {errors}"

            outside = external_urls(driver)
            assert outside == [], f"the app fetched from outside this machine: {outside[:5]}"
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
    total = time.perf_counter() - t_start
    print(
        f"\nexplorer timings: server up {t_server:.2f} s after launch; first page ready {t_first:.2f} s "
        f"after launch, {t_page:.2f} s after the browser asked for it (target {FIRST_PAGE_BUDGET_S} s); "
        f"seed query {t_query:.2f} s; whole run {total:.1f} s; screenshots in {shots}"
    )
    # Bounds with head-room for a shared 2-core CI machine (the numbers above are what
    # to read); Streamlit's own start-up (it scans every installed package for
    # components) is outside the app's control.
    assert t_page < 3 * FIRST_PAGE_BUDGET_S
    assert t_first < 5 * FIRST_PAGE_BUDGET_S
    assert total < 110
