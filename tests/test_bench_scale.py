"""bench.scale on the five seed posts: one size, measured and merged into the results file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.scale import main, tree_rss_kb
from tests.conftest import CORPUS, fast_model


def test_one_size_is_ingested_measured_and_merged(tmp_path: Path) -> None:
    out = tmp_path / "scale.json"
    out.write_text(json.dumps({"earlier_run": {"size": 1}}), "utf-8")
    code = main(["--corpus", str(CORPUS), "--sizes", "5", "--model", fast_model(),
                 "--queries", "5", "--out", str(out), "--json"])
    assert code == 0
    data = json.loads(out.read_text("utf-8"))
    assert data["earlier_run"] == {"size": 1}, "results of other sizes must be kept"
    rec = data[f"5_docs_{fast_model()}"]
    assert (rec["returncode"], rec["files"], rec["documents"], rec["failed"]) == (0, 5, 5, 0)
    assert rec["chunks"] > rec["documents"]  # the long seed posts have several passages
    # The command loads the tokeniser, tagger and model: well over 100 MB.
    assert 100 < rec["peak_rss_mb"] < 4096
    assert rec["peak_tree_rss_mb"] > 100
    assert rec["seconds"]["parse"] > 0 and rec["cpu_s"] > 0
    assert rec["graph"]["documents"] == 5 and rec["graph"]["rebuild_s"] > 0
    query = rec["query"]
    assert query["search_hybrid"]["n"] == 5 and query["search_hybrid"]["p50_ms"] > 0
    assert query["similar"]["n"] == 5
    assert query["who"]["n"] > 0, query["who"]
    assert len(rec["load_average"]) == 3 and rec["cpu_count"] >= 1


def test_tree_rss_adds_up_a_process_and_its_children() -> None:
    alone = tree_rss_kb(os.getpid())
    assert alone > 10_000  # a Python test process is above 10 MB
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        time.sleep(0.5)  # let the child start its interpreter
        assert tree_rss_kb(os.getpid()) > alone + 2_000  # plus a bare interpreter's few MB
    finally:
        child.kill()
        child.wait()
