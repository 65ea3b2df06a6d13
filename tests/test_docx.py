"""Tests of ingest.docx: Word files built at test time with python-docx."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import datetime

import pytest

from fieldnotes.errors import UnreadableFileError
from ingest.docx import parse_docx
from tests.reports_fixtures import cer, docx_bytes, seed_docx_bytes, seed_texts

MINUTES = [
    ("heading", "บันทึกการประชุมเครือข่ายกองทุนหมู่บ้านตำบลกะหรอ"),
    ("paragraph", "วันที่ ๔ ธันวาคม ๒๕๕๐ ณ ศาลาประชาคม อำเภอนบพิตำ จังหวัดนครศรีธรรมราช"),
    ("heading", "วาระที่ ๑ เรื่องแจ้งเพื่อทราบ"),
    ("paragraph", "ผู้ใหญ่บ้านแจ้งว่าสมาชิกกลุ่มสัจจะออมทรัพย์เพิ่มขึ้นเป็น ๓๒๐ คน"),
    ("table", [["ลำดับ", "กองทุน", "สมาชิก"], ["๑", "กองทุนหมู่บ้านกะหรอ", "๑๒๐"],
               ["๒", "กลุ่มสัจจะวันละบาท", "๒๐๐"]]),
    ("heading", "วาระที่ ๒ การจัดสวัสดิการชุมชน"),
    ("paragraph", "ที่ประชุมเห็นชอบให้จัดสวัสดิการเกิดแก่เจ็บตายแก่สมาชิกทุกคน"),
]


def _sections(doc, name: str) -> list[str]:
    return [doc.text[s.start : s.end] for s in doc.sections if s.name == name]


def test_paragraphs_headings_and_table_in_order() -> None:
    doc = parse_docx(docx_bytes(MINUTES, title="รายงานการประชุม ธันวาคม ๒๕๕๐"), "minutes.docx")
    assert doc.kind == "docx"
    assert doc.title == "รายงานการประชุม ธันวาคม ๒๕๕๐"
    positions = [doc.text.index(t) for t in (
        "บันทึกการประชุมเครือข่าย", "วันที่ ๔ ธันวาคม", "วาระที่ ๑", "ผู้ใหญ่บ้านแจ้ง",
        "ลำดับ | กองทุน | สมาชิก", "วาระที่ ๒", "ที่ประชุมเห็นชอบ")]
    assert positions == sorted(positions)
    assert doc.lead == "วันที่ ๔ ธันวาคม ๒๕๕๐ ณ ศาลาประชาคม อำเภอนบพิตำ จังหวัดนครศรีธรรมราช"


def test_headings_are_sections() -> None:
    doc = parse_docx(docx_bytes(MINUTES, title="รายงานการประชุม"), "minutes.docx")
    assert _sections(doc, "heading") == [
        "บันทึกการประชุมเครือข่ายกองทุนหมู่บ้านตำบลกะหรอ",
        "วาระที่ ๑ เรื่องแจ้งเพื่อทราบ",
        "วาระที่ ๒ การจัดสวัสดิการชุมชน",
    ]


def test_table_rows_are_text_rows() -> None:
    doc = parse_docx(docx_bytes(MINUTES, title="รายงานการประชุม"), "minutes.docx")
    assert "ลำดับ | กองทุน | สมาชิก\n๑ | กองทุนหมู่บ้านกะหรอ | ๑๒๐\n๒ | กลุ่มสัจจะวันละบาท | ๒๐๐" in doc.text


def test_merged_cell_is_written_once() -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "สรุปผลการดำเนินงาน"
    for c, value in enumerate(["ตำบลกะหรอ", "๑๒๐ คน", "๓ กลุ่ม"]):
        table.cell(1, c).text = value
    out = io.BytesIO()
    document.save(out)
    doc = parse_docx(out.getvalue(), "merged.docx")
    assert doc.text.count("สรุปผลการดำเนินงาน") == 1
    assert "ตำบลกะหรอ | ๑๒๐ คน | ๓ กลุ่ม" in doc.text


def test_core_properties() -> None:
    doc = parse_docx(
        docx_bytes(MINUTES, title="รายงานการประชุม", author="สมชาย ใจดี",
                   subject="กองทุนหมู่บ้าน", keywords="สวัสดิการชุมชน; สัจจะออมทรัพย์"),
        "minutes.docx",
    )
    assert doc.author == "สมชาย ใจดี"
    meta = dict(doc.meta)
    assert meta["subject"] == "กองทุนหมู่บ้าน"
    assert meta["keywords"] == "สวัสดิการชุมชน; สัจจะออมทรัพย์"
    assert isinstance(doc.created, datetime) and doc.created.tzinfo is not None


def test_title_falls_back_to_first_heading_not_repeated() -> None:
    doc = parse_docx(docx_bytes(MINUTES), "minutes.docx")
    assert doc.title == "บันทึกการประชุมเครือข่ายกองทุนหมู่บ้านตำบลกะหรอ"
    assert doc.text.count(doc.title) == 1
    assert doc.text.startswith(doc.title + "\n\n")


def test_title_falls_back_to_first_paragraph() -> None:
    blocks = [("paragraph", "สรุปเวทีแลกเปลี่ยนเรียนรู้"), ("paragraph", "มีผู้เข้าร่วม ๔๐ คน")]
    doc = parse_docx(docx_bytes(blocks), "notes.docx")
    assert doc.title == "สรุปเวทีแลกเปลี่ยนเรียนรู้"
    assert doc.body == "มีผู้เข้าร่วม ๔๐ คน"


def test_offsets_and_id() -> None:
    doc = parse_docx(docx_bytes(MINUTES, title="รายงานการประชุม"), "minutes.docx")
    assert doc.id == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()[:16]
    names = [s.name for s in doc.sections]
    assert names[:2] == ["title", "body"]
    for s in doc.sections:
        assert 0 <= s.start < s.end <= len(doc.text)
    assert doc.text[doc.sections[0].start : doc.sections[0].end] == doc.title


@pytest.mark.parametrize("name", sorted(seed_texts()))
def test_seed_post_as_docx_matches_its_text(name: str) -> None:
    text = seed_texts()[name]
    doc = parse_docx(seed_docx_bytes(text), name)
    assert cer(text, doc.text) <= 0.01
    assert doc.title == text.splitlines()[0].strip()


def test_old_doc_or_protected_file_is_refused() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    with pytest.raises(UnreadableFileError, match="Word 97-2003 .doc or a password-protected"):
        parse_docx(data, "old.doc")


def test_not_a_docx_is_refused() -> None:
    with pytest.raises(UnreadableFileError, match="not a .docx") as info:
        parse_docx("บันทึกธรรมดา".encode(), "plain.docx")
    assert info.value.path == "plain.docx"


def test_zip_without_a_document_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "สวัสดี")
    with pytest.raises(UnreadableFileError, match="re-save it from Word"):
        parse_docx(out.getvalue(), "broken.docx")


def test_truncated_docx_is_refused() -> None:
    data = docx_bytes(MINUTES)
    with pytest.raises(UnreadableFileError, match="broken.docx"):
        parse_docx(data[: len(data) // 2], "broken.docx")


def test_broken_xml_inside_the_package_is_refused() -> None:
    data = docx_bytes(MINUTES)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/document.xml":
                content = content[: len(content) // 2]
            z.writestr(item, content)
    with pytest.raises(UnreadableFileError, match="damaged or not a Word document"):
        parse_docx(out.getvalue(), "half.docx")


def test_custom_style_with_outline_level_is_a_heading() -> None:
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    style = document.styles.add_style("หัวข้อรายงาน", WD_STYLE_TYPE.PARAGRAPH)
    level = OxmlElement("w:outlineLvl")
    level.set(qn("w:val"), "0")
    style.element.get_or_add_pPr().append(level)
    document.add_paragraph("ผลการดำเนินงานปี ๒๕๕๐", style="หัวข้อรายงาน")
    document.add_paragraph("กองทุนมีสมาชิกเพิ่มขึ้น")
    document.add_paragraph("สรุปและข้อเสนอแนะ", style="หัวข้อรายงาน")
    out = io.BytesIO()
    document.save(out)
    doc = parse_docx(out.getvalue(), "styled.docx")
    assert doc.title == "ผลการดำเนินงานปี ๒๕๕๐"
    assert _sections(doc, "heading") == ["สรุปและข้อเสนอแนะ"]


def test_legacy_typing_is_repaired_but_spaces_kept() -> None:
    # "เเ" typed for "แ", sara am typed as nikhahit + sara aa, a legacy-font
    # PUA tone mark: what old Word files hold.
    typed = "ผู\uf70bน\u0e4d\u0e32ชุมชนเ\u0e40ละสมาชิก กลุ่มสัจจะ"
    doc = parse_docx(docx_bytes([("paragraph", "บันทึก"), ("paragraph", typed)]), "old.docx")
    assert doc.body == "ผู้นำชุมชนและสมาชิก กลุ่มสัจจะ"
