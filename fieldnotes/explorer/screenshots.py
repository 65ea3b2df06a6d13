"""Render one PNG per explorer page for the README.

Usage::

    python -m fieldnotes.explorer.screenshots docs/screenshots
    python -m fieldnotes.explorer.screenshots docs/screenshots --home .fieldnotes

Without ``--home`` a temporary home is ingested from ``corpus/`` (the five
seed posts). Needs headless Chromium (Debian ``chromium`` and
``chromium-driver``) and selenium (the ``test`` extra); it runs offline.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

from fieldnotes.explorer.browser import (
    browser_missing,
    chromium,
    open_page,
    running_app,
    wait_for_text,
    wait_idle,
)

__all__ = ["SEED_QUERY", "page_plan", "capture", "main"]

#: The query shown on the Search screenshot.
SEED_QUERY = "กองทุนหมู่บ้าน"
_CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def page_plan(kb: Any) -> list[tuple[str, str, dict[str, str], str]]:
    """``(file name, page, query parameters, text to wait for)`` for every page.

    The parameters point at real content of ``kb``: the note that ranks first
    for :data:`SEED_QUERY`, the most mentioned actor, the seed theme.
    """
    params: dict[str, dict[str, str]] = {"search": {"q": SEED_QUERY}}
    try:
        hits = kb.search(SEED_QUERY, k=1)
        if hits:
            params["case"] = {"doc": hits[0].doc_id}
    except Exception:  # noqa: BLE001 - a partial facade still gets the other pages
        doc = next((d for d in kb.documents() if SEED_QUERY in d.title or SEED_QUERY in d.text), None)
        if doc is not None:
            params["case"] = {"doc": doc.id}
    try:
        actors = sorted(kb.entities("actor"), key=lambda e: -(e.mentions or 0))
        if actors:
            params["entity"] = {"iri": actors[0].iri}
        params["themes"] = {"theme": kb.entity(SEED_QUERY).iri}
    except Exception:  # noqa: BLE001
        pass
    return [
        ("search", "search", params["search"], "fn-title"),
        ("case", "case", params.get("case", {}), "About this note"),
        ("network", "network", {}, "Path between two actors"),
        ("themes", "themes", params.get("themes", {}), "Practice tree"),
        ("areas", "areas", {}, "Choose an area"),
        ("entity", "entity", params.get("entity", {}), "Linked with"),
        ("upload", "upload", {}, "Choose note files"),
    ]


def capture(driver: Any, base: str, out: Path, plan: Sequence[tuple[str, str, dict[str, str], str]],
            *, width: int = 1400) -> list[Path]:
    """Open each planned page and save a full-height PNG; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, page, params, wait in plan:
        driver.set_window_size(width, 1000)
        open_page(driver, base, page, **params)
        try:
            if wait == "fn-title":
                t0 = time.perf_counter()
                while not driver.find_elements("css selector", "h4.fn-title") and time.perf_counter() - t0 < 60:
                    time.sleep(0.2)
            else:
                wait_for_text(driver, wait, timeout=60)
        except TimeoutError:
            print(f"screenshots: {name}: {wait!r} did not appear; taking the picture anyway", file=sys.stderr)
        wait_idle(driver)
        time.sleep(2.0 if page in ("network", "areas", "case") else 0.5)  # layouts and maps settle
        height = driver.execute_script(
            "const m=document.querySelector('[data-testid=\"stMain\"]');"
            "return Math.max(m ? m.scrollHeight : 0, document.body.scrollHeight);"
        )
        driver.set_window_size(width, min(max(int(height) + 40, 900), 2600))
        time.sleep(0.4)
        path = out / f"{name}.png"
        driver.save_screenshot(str(path))
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the PNG files, e.g. docs/screenshots")
    parser.add_argument("--home", type=Path, help="home folder to show (default: corpus/ ingested into a temp folder)")
    parser.add_argument("--script", type=Path, help="app script to run (default: app.py)")
    args = parser.parse_args(argv)
    why = browser_missing()
    if why:
        print(f"screenshots: {why}", file=sys.stderr)
        return 2
    from fieldnotes.kb import KnowledgeBase

    with tempfile.TemporaryDirectory(prefix="fieldnotes-shots-") as tmp:
        home = args.home or Path(tmp) / "home"
        kb = KnowledgeBase(home)
        if kb.stats().get("documents", 0) == 0:
            kb.ingest([_CORPUS])
        plan = page_plan(kb)
        kb.close()
        with running_app(home, script=args.script) as url, chromium(Path(tmp) / "profile") as driver:
            for path in capture(driver, url, args.out, plan):
                print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
