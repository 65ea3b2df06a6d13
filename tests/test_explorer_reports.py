"""Issue #7 point 5: the explorer and the CLI name a note's file type and, for a PDF, its page.

A home is ingested from a Thai PDF (seed 004 drawn with a TLWG font, over
two pages), a DOCX (seed 000) and a text seed (001), all made at test time;
the Search and Case pages are then run with AppTest on it, and the CLI's
``search`` and ``docs`` on the same home.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from fieldnotes.explorer import case_page, search_page
from fieldnotes.explorer.labels import where_label
from fieldnotes.kb import KnowledgeBase
from fieldnotes.settings import Settings
from tests.conftest import CORPUS, fast_model
from tests.reports_fixtures import seed_docx_bytes, seed_pdf_bytes
from tests.test_explorer_kit import ROOT

APP = str(ROOT / "app.py")
QUERY = "สถาบันการเงินชุมชน กะหรอ"  # the Kalo post (004): on page 2 of its PDF


@pytest.fixture(scope="module")
def reports_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reports")
    seeds = {p.name[:3]: p for p in CORPUS.glob("[0-9][0-9][0-9]_*.txt")}
    (folder / "กะหรอ.pdf").write_bytes(seed_pdf_bytes(seeds["004"].read_text("utf-8")))
    (folder / "รายงาน 1 ปี.docx").write_bytes(seed_docx_bytes(seeds["000"].read_text("utf-8")))
    (folder / seeds["001"].name).write_bytes(seeds["001"].read_bytes())
    home = tmp_path_factory.mktemp("reports_home")
    kb = KnowledgeBase(settings=Settings.from_env(home=home, model=fast_model()))
    report = kb.ingest([folder])
    assert not report.failed and len(report.added) == 3, report
    kb.close()
    return home


@pytest.fixture()
def kb(reports_home: Path) -> KnowledgeBase:
    return KnowledgeBase(settings=Settings.from_env(home=reports_home, model=fast_model()))


def _doc(kb: KnowledgeBase, kind: str) -> Any:
    return next(d for d in kb.documents() if d.kind == kind)


def _run(monkeypatch: pytest.MonkeyPatch, home: Path, page: str, **params: str) -> AppTest:
    monkeypatch.setenv("FIELDNOTES_HOME", str(home))
    # No background warm-up racing the test's own reads (tests/test_explorer_warm.py).
    monkeypatch.setenv("FIELDNOTES_WARM_START", "0")
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["page"] = page
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _html(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def test_file_types_are_named_in_thai_and_english(kb: KnowledgeBase) -> None:
    kinds = {d.file_type for d in kb.documents()}
    assert kinds == {"pdf", "docx", "text"}
    assert where_label("pdf", 7) == "PDF · หน้า 7 (page 7)"
    assert where_label("docx") == "เวิร์ด (Word)"
    assert where_label("text", None) == "ข้อความ (text)"


def test_search_cards_give_file_type_and_page(kb: KnowledgeBase) -> None:
    hits = search_page.search_hits(kb, QUERY, k=10)
    cards = {c.doc_id: c for c in search_page.result_cards(kb, hits, QUERY)}
    pdf, docx = _doc(kb, "pdf"), _doc(kb, "docx")
    best = next(h for h in hits if h.doc_id == pdf.id)
    assert best.page == 2 == pdf.page_at(best.start)  # the Kalo savings group, page 2
    assert cards[pdf.id].where == "PDF · หน้า 2 (page 2)"
    assert cards[pdf.id].pages[0] == 2
    assert cards[pdf.id].href.endswith(f"&at={best.start}")
    assert cards[docx.id].where == "เวิร์ด (Word)" and set(cards[docx.id].pages) == {None}


def test_case_page_marks_where_each_pdf_page_begins(kb: KnowledgeBase) -> None:
    pdf = _doc(kb, "pdf")
    body = next(p for p in case_page.note_parts(pdf) if p[0] == "body")
    pieces = case_page.page_pieces(pdf, body[2], body[3])
    assert [p for p, _s, _e in pieces] == [1, 2]
    for page, start, _end in pieces:
        assert pdf.page_at(start) == page
    # Every character of the body is shown, the ones between the pages too.
    assert pieces[0][1] == body[2] and pieces[-1][2] == body[3]
    assert all(a[2] == b[1] for a, b in zip(pieces, pieces[1:]))
    labels = {e.iri: e.label for e in kb.entities()}
    html = case_page.note_body_html(pdf, kb.doc_mentions(pdf.id), body[2], body[3], labels, focus_page=2)
    assert '<div class="fn-page">หน้า 1 (page 1)</div>' in html
    assert '<div class="fn-page fn-here">หน้า 2 (page 2) ◀ ข้อความที่ค้นพบ · found here</div>' in html
    assert html.index("หน้า 2 (page 2)") > html.index("กะหรอ")  # page 1 text first
    meta = dict(case_page.doc_meta(pdf))
    assert meta["ชนิดไฟล์ · File type"] == "PDF" and meta["จำนวนหน้า · Pages"] == "2"
    docx_meta = dict(case_page.doc_meta(_doc(kb, "docx")))
    assert docx_meta["ชนิดไฟล์ · File type"] == "เวิร์ด (Word)" and "จำนวนหน้า · Pages" not in docx_meta


def test_search_page_shows_pdf_page_and_opens_the_case_there(
    monkeypatch: pytest.MonkeyPatch, reports_home: Path, kb: KnowledgeBase
) -> None:
    at = _run(monkeypatch, reports_home, "search")
    at.text_input(key="s_query").set_value(QUERY).run()
    _ok(at)
    html = _html(at)
    assert '<span class="fn-where">PDF · หน้า 2 (page 2)</span>' in html
    pdf = _doc(kb, "pdf")
    cards = search_page.result_cards(kb, search_page.search_hits(kb, QUERY, k=10), QUERY)
    i = next(i for i, c in enumerate(cards) if c.doc_id == pdf.id)
    at.button(key=f"s_open_{i}").click().run()
    _ok(at)
    assert at.query_params.get("doc") in (pdf.id, [pdf.id])
    assert at.title[0].value == pdf.title
    captions = [c.value for c in at.caption]
    assert any(c.startswith("PDF · หน้า 2 (page 2) — ") for c in captions), captions
    assert 'fn-page fn-here">หน้า 2 (page 2)' in _html(at)
    assert "<th>ชนิดไฟล์ · File type</th><td>PDF</td>" in _html(at)


def test_case_page_of_a_docx_and_a_bad_offset(
    monkeypatch: pytest.MonkeyPatch, reports_home: Path, kb: KnowledgeBase
) -> None:
    docx = _doc(kb, "docx")
    at = _run(monkeypatch, reports_home, "case", doc=docx.id, at="not-a-number")
    _ok(at)
    html = _html(at)
    assert "<th>ชนิดไฟล์ · File type</th><td>เวิร์ด (Word)</td>" in html
    assert 'class="fn-page' not in html  # a Word file has no pages to mark
    assert not [c.value for c in at.caption if "(page " in c.value]


def test_cli_prints_file_type_and_page(reports_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fieldnotes.cli import main

    assert main(["--home", str(reports_home), "search", QUERY, "--k", "5"]) == 0
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert first.endswith("กะหรอ.pdf, PDF p.2]"), first
    assert "รายงาน 1 ปี.docx, Word]" in out
    assert main(["--home", str(reports_home), "docs"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert sorted(row.split()[1] for row in rows) == ["PDF", "Word", "text"]
