"""PDF and DOCX files go through the same ingest as text: kind, pages, passages."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldnotes.kb import KnowledgeBase
from fieldnotes.settings import Settings
from tests.conftest import fast_model
from tests.reports_fixtures import image_pdf_bytes, seed_docx_bytes, seed_pdf_bytes, seed_texts


@pytest.fixture(scope="module")
def report_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    folder = tmp_path_factory.mktemp("reports")
    text = seed_texts()["004_83f24860210c5b0e.txt"]
    (folder / "ต้นฉบับ.docx").write_bytes(seed_docx_bytes(text))
    (folder / "ต้นฉบับ.pdf").write_bytes(seed_pdf_bytes(text))
    (folder / "scan.pdf").write_bytes(image_pdf_bytes(pages=2))
    home = tmp_path_factory.mktemp("home")
    kb = KnowledgeBase(settings=Settings.from_env(home=home, model=fast_model()))
    kb.report = kb.ingest([folder])  # type: ignore[attr-defined]
    return kb


def test_pdf_and_docx_are_ingested_and_the_scan_is_reported(report_kb: KnowledgeBase) -> None:
    report = report_kb.report  # type: ignore[attr-defined]
    assert sorted(Path(s).suffix for s in report.added) == [".docx", ".pdf"]
    assert [(Path(s).name, r) for s, r in report.failed] == [
        ("scan.pdf", "PDF has no text layer (scanned image?); OCR is not supported")
    ]
    kinds = {d.kind for d in report_kb.documents()}
    assert kinds == {"pdf", "docx"}


def test_passages_of_a_pdf_know_their_page(report_kb: KnowledgeBase) -> None:
    pdf = next(d for d in report_kb.documents() if d.kind == "pdf")
    chunks = report_kb.chunks(pdf.id)
    assert chunks and all(c.page is not None for c in chunks)
    assert {c.page for c in chunks} == {s.page for s in pdf.sections if s.name == "page"}
    phrase = "สถาบันการเงินตำบลกะหรอ"
    at = pdf.text.index(phrase)
    holder = next(c for c in chunks if c.start <= at < c.end)
    assert holder.page == pdf.page_at(at)
    assert pdf.text[holder.start : holder.end] == holder.text
