"""The ingest pipeline: worker processes give the same store as one process; a bad note fails alone."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from fieldnotes.kb import KnowledgeBase
from fieldnotes.prepare import Prepare, auto_workers
from fieldnotes.settings import Settings
from ingest.parse import parse
from tests.conftest import fast_model

THAIGOV = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "thaigov-community"
CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _folder(tmp: Path, n: int) -> Path:
    notes = tmp / "notes"
    notes.mkdir()
    for p in CORPUS.glob("*.txt"):
        shutil.copy(p, notes / p.name)
    if THAIGOV.is_dir():
        for p in sorted(THAIGOV.glob("*.txt"))[:n]:
            shutil.copy(p, notes / p.name)
    return notes


def _snapshot(home: Path) -> dict[str, object]:
    conn = sqlite3.connect(home / "store.sqlite")
    try:
        return {
            "documents": sorted(r[0] for r in conn.execute("SELECT id FROM documents")),
            "chunks": sorted(conn.execute("SELECT doc_id, start, \"end\" FROM chunks")),
            "terms": conn.execute("SELECT count(*) FROM tokens").fetchone()[0],
            "mentions": sorted(
                conn.execute("SELECT doc_id, start, \"end\", type, kind FROM mentions")
            ),
            "vectors": conn.execute("SELECT count(*) FROM vectors").fetchone()[0],
        }
    finally:
        conn.close()


def test_two_workers_write_what_one_process_writes(tmp_path: Path) -> None:
    notes = _folder(tmp_path, 30)
    snaps = []
    for workers in (1, 2):
        home = tmp_path / f"home{workers}"
        settings = Settings.from_env(home=home, model=fast_model(), workers=workers)
        report = KnowledgeBase(settings=settings).ingest([notes])
        assert report.workers == workers
        assert report.ok, report.failed
        snaps.append(_snapshot(home))
    assert snaps[0]["documents"], "nothing was ingested"
    assert snaps[0]["mentions"], "no entity was found in real Thai notes"
    assert snaps[0] == snaps[1]


def test_a_note_that_breaks_the_extractor_fails_alone(tmp_path: Path, monkeypatch) -> None:
    import graph.extract

    real = graph.extract.extract_document

    def flaky(doc, **kw):  # type: ignore[no-untyped-def]
        if "004_" in doc.source:
            raise RuntimeError("extractor bug")
        return real(doc, **kw)

    monkeypatch.setattr(graph.extract, "extract_document", flaky)
    settings = Settings.from_env(home=tmp_path / "home", model=fast_model(), workers=1)
    report = KnowledgeBase(settings=settings).ingest([CORPUS])
    assert [s for s, _ in report.failed] == [str(p) for p in CORPUS.glob("004_*.txt")]
    assert "extractor bug" in report.failed[0][1]
    assert len(report.added) == 4
    assert _snapshot(tmp_path / "home")["vectors"] > 0


def test_prepare_slices_and_finds_mentions_in_thai() -> None:
    doc = parse("ประชุมเครือข่ายกองทุนหมู่บ้าน\n\nที่ ต.กะหรอ อ.นบพิตำ จ.นครศรีธรรมราช ร่วมกับ พอช.", "a.txt")
    prep = Prepare(chunk_tokens=64)(doc)
    assert prep.error is None
    assert all(doc.text[c.start : c.end] == c.text for c in prep.chunks)
    assert len(prep.terms) == len(prep.chunks) and "กะหรอ" in prep.terms[0]
    kinds = {(m.label, m.kind) for m in prep.mentions}
    assert ("กะหรอ", "subdistrict") in {(doc.text[m.start : m.end].removeprefix("ต."), m.kind) for m in prep.mentions}
    assert any(k == "organisation" for _, k in kinds)


@pytest.mark.parametrize(("requested", "files", "expected"), [(3, 1, 3), (0, 5, 1)])
def test_workers_are_chosen_by_run_size(requested: int, files: int, expected: int) -> None:
    assert auto_workers(requested, files) == expected
