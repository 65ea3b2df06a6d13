"""Explorer responsiveness in headless Chromium: ``python -m bench.explorer --home H [--query Q] --json``.

Starts ``streamlit run app.py`` on a home folder that is already ingested, in
a browser that is already open (as a facilitator's is), and measures:

* ``server_s``: launch → the server answers its health check;
* ``first_page_s``: the browser asks for the search page → it is ready
  (the issue's target: within 3 s of launch on the seed corpus, i.e.
  ``launch_s`` = ``server_s + first_page_s``);
* ``search_s``: a query typed in the box → the first result card is shown
  (typed as soon as the first page is idle, or ``--pause`` seconds later, the
  time a person takes to read the page and type: the explorer loads the search
  model and indexes in the background meanwhile, see
  :mod:`fieldnotes.explorer.warm`; ``FIELDNOTES_WARM_START=0`` turns that off);
* ``case_s``, ``network_s``, ``themes_s``, ``areas_s``: opening each page →
  its content is shown and the app is idle.

``--first network`` (or ``themes``, ``areas``) opens that page first on a fresh
server instead and reports ``<page>_first_s``: the browser asks for it → shown
and idle (the Network page the first time on a large corpus). ``--runs N``
repeats the whole measurement on N fresh servers; each figure is then the
median, the single runs are kept under ``runs``.

Results are merged into ``bench/results/explorer.json`` under ``--label``
(default: the home folder's name) with the machine's load average, so the
README can show the seed corpus and the 7,941-document corpus side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from fieldnotes.errors import FieldnotesError

__all__ = ["measure", "main"]

RESULTS = Path(__file__).resolve().parent / "results" / "explorer.json"
#: Text that shows a page is there (the last section it draws, or the search hint).
MARKERS = {
    "search": "Type a query",
    "network": "Path between two actors",
    "themes": "Who works on it",
    "areas": "Size by",
}


def measure(home: Path, query: str, first: str = "search", pause: float = 0.0) -> dict[str, object]:
    """Time the explorer's pages on ``home`` (see the module docstring).

    Args:
        home: an ingested home folder.
        query: the query typed on the search page.
        first: the page opened first; other than ``search``, only that page is timed.
        pause: seconds between the first page being idle and typing the query.
    """
    from fieldnotes.explorer.browser import (
        chromium,
        free_port,
        open_page,
        start_app,
        wait_for,
        wait_for_text,
        wait_idle,
        wait_ready,
    )

    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        proc = None
        try:
            with chromium(Path(tmp) / "profile") as driver:
                driver.get("about:blank")
                t0 = time.perf_counter()
                port = free_port()
                proc = start_app(home, port, log=Path(tmp) / "app.log")
                url = f"http://127.0.0.1:{port}"
                wait_ready(url, proc, timeout=120)
                out["server_s"] = round(time.perf_counter() - t0, 2)
                if first != "search":
                    t = time.perf_counter()
                    open_page(driver, url, first)
                    wait_for_text(driver, MARKERS[first], timeout=180)
                    wait_idle(driver, timeout=180)
                    out[f"{first}_first_s"] = round(time.perf_counter() - t, 2)
                    return out

                t = time.perf_counter()
                open_page(driver, url, "search")
                wait_for_text(driver, MARKERS["search"], timeout=120)
                out["first_page_s"] = round(time.perf_counter() - t, 2)
                out["launch_s"] = round(time.perf_counter() - t0, 2)
                wait_idle(driver)
                time.sleep(pause)

                t = time.perf_counter()
                box = wait_for(driver, 'input[aria-label="คำค้น · Query"]')[0]
                box.send_keys(query + "\n")
                wait_for(driver, "h4.fn-title a", timeout=120)
                wait_idle(driver, timeout=120)
                out["search_s"] = round(time.perf_counter() - t, 2)

                link = wait_for(driver, "h4.fn-title a")[0]
                t = time.perf_counter()
                link.click()
                wait_for_text(driver, "About this note", timeout=120)
                wait_idle(driver, timeout=120)
                out["case_s"] = round(time.perf_counter() - t, 2)

                for page in ("network", "themes", "areas"):
                    marker = MARKERS[page]
                    t = time.perf_counter()
                    open_page(driver, url, page)
                    wait_for_text(driver, marker, timeout=180)
                    wait_idle(driver, timeout=180)
                    out[f"{page}_s"] = round(time.perf_counter() - t, 2)
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=10)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(prog="python -m bench.explorer", description=__doc__.split("\n")[0])
    ap.add_argument("--home", type=Path, required=True, help="an ingested home folder")
    ap.add_argument("--query", default="กองทุนหมู่บ้าน")
    ap.add_argument("--label", default=None, help="key in the results file (default: the home's name)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--first", choices=sorted(MARKERS), default="search",
                    help="page opened first on the fresh server (other than search: only it is timed)")
    ap.add_argument("--runs", type=int, default=1, help="fresh servers to measure (medians are reported)")
    ap.add_argument("--pause", type=float, default=0.0,
                    help="seconds between the first page being idle and typing the query (default 0: at once)")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)
    if not (args.home / "store.sqlite").exists():
        print(f"error: {args.home} is not an ingested home folder (no store.sqlite); "
              "run `fieldnotes ingest` with FIELDNOTES_HOME set first", file=sys.stderr)
        return 2
    from fieldnotes.explorer.browser import browser_missing

    missing = browser_missing()
    if missing is not None:
        print(f"error: {missing}", file=sys.stderr)
        return 2
    runs = []
    try:
        for _ in range(max(1, args.runs)):
            runs.append(measure(args.home, args.query, args.first, args.pause) | {
                "load_1min": round(os.getloadavg()[0], 2)})
    except (FieldnotesError, TimeoutError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    result = {k: round(statistics.median(float(r[k]) for r in runs), 2) for k in runs[0]}  # type: ignore[arg-type]
    from fieldnotes.kb import KnowledgeBase

    kb = KnowledgeBase(args.home, readonly=True)
    result = {
        "home": str(args.home),
        "query": args.query,
        "pause_s": args.pause,
        "warm_start": kb.settings.warm_start,
        **kb.stats(),
        **result,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        **({"runs": runs} if len(runs) > 1 else {}),
    }
    kb.close()
    label = args.label or args.home.name
    data = json.loads(args.out.read_text("utf-8")) if args.out.exists() else {}
    data[label] = result
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(json.dumps(result, ensure_ascii=False) if args.json else
          "\n".join(f"{k}: {v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
