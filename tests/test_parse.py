"""ingest.parse: format detection, the document layout, ids and offsets."""

from __future__ import annotations

import hashlib
import random
from datetime import datetime
from pathlib import Path

import pytest

from fieldnotes.errors import UnreadableFileError
from ingest.html import html_to_text, looks_like_html
from ingest.parse import build_document, document_id, parse, parse_file

MB = 1 << 20
THAIGOV = Path("/work/shared/corpora/thaigov-community")


def _check_layout(doc) -> None:
    """The invariants every document keeps."""
    assert doc.id == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()[:16]
    title, body = doc.sections[0], doc.sections[1]
    assert (title.name, body.name) == ("title", "body")
    assert doc.text[title.start : title.end] == doc.title
    assert doc.text[body.start : body.end] == doc.body
    for c in doc.comments:
        assert doc.text[c.start : c.end] == c.text
    assert "\n" not in doc.title


def test_plain_text() -> None:
    doc = parse("\n\nประชุมกองทุนหมู่บ้าน  \r\n\r\nวันนี้ที่ต.กะหรอ\u00a0กิ่งอ.นบพิตำ\n\n\n\nมีสมาชิก ๔๗ คน\n",
                "notes/ประชุม.txt")
    assert doc.kind == "plain"
    assert doc.source == "notes/ประชุม.txt"
    assert doc.title == "ประชุมกองทุนหมู่บ้าน"
    assert doc.body == "วันนี้ที่ต.กะหรอ กิ่งอ.นบพิตำ\n\nมีสมาชิก ๔๗ คน"
    assert doc.text == "ประชุมกองทุนหมู่บ้าน\n\nวันนี้ที่ต.กะหรอ กิ่งอ.นบพิตำ\n\nมีสมาชิก ๔๗ คน"
    assert doc.lead == "วันนี้ที่ต.กะหรอ กิ่งอ.นบพิตำ"
    assert doc.comments == ()
    _check_layout(doc)


def test_same_text_same_id_whatever_the_name_or_line_endings() -> None:
    a = parse("บันทึก\n\nกองทุนหมู่บ้าน", "a.txt")
    b = parse("บันทึก\r\n\r\nกองทุน\u200bหมู่บ้าน", "copy/b.txt")
    assert a.id == b.id == document_id(a.text)
    assert a.source != b.source
    assert parse("บันทึก\n\nกองทุนหมู่บ้าน!", "a.txt").id != a.id


def test_empty_text_gives_an_empty_document() -> None:
    doc = parse("", "empty.txt")
    assert (doc.title, doc.text, doc.body) == ("", "", "")
    _check_layout(doc)


def test_title_only() -> None:
    doc = parse("หัวข้อเดียว\n", "t.txt")
    assert doc.text == doc.title == "หัวข้อเดียว"
    assert doc.body == ""
    _check_layout(doc)


def test_a_first_line_too_long_to_be_a_title_stays_in_the_body(seed_paths) -> None:
    line = seed_paths["004"].read_text("utf-8").split("\n")[5]  # a long paragraph
    assert len(line) > 1000
    doc = parse(line + "\n\nย่อหน้าถัดไป", "long.txt")
    assert doc.title.endswith("…")
    assert len(doc.title) <= 101
    assert line.replace("\u00a0", " ").startswith(doc.title[:-1])
    assert doc.body.startswith(line.replace("\u00a0", " ")[:500])
    assert doc.body.endswith("ย่อหน้าถัดไป")
    _check_layout(doc)


def test_markdown_title_from_heading_and_front_matter(data_dir: Path) -> None:
    path = data_dir / "ingest_note.md"
    doc = parse_file(path, str(path), max_bytes=MB)
    assert doc.kind == "markdown"
    assert doc.title == "เวทีแลกเปลี่ยนกองทุนหมู่บ้าน ต.กะหรอ"
    assert doc.author == "คุณอำนวย ภาคใต้"
    assert doc.created == datetime(2007, 12, 4)  # 2550 BE
    assert "# เวทีแลกเปลี่ยน" not in doc.body  # the title heading is not repeated
    assert doc.body.startswith("บันทึกการประชุมเครือข่าย (ร่าง)")
    assert "## ข้อสรุป" in doc.body
    assert "author:" not in doc.text
    _check_layout(doc)


def test_markdown_without_h1_uses_first_line() -> None:
    doc = parse("## สรุปเวที\n\nเนื้อหา", "x.md", suffix=".md")
    assert (doc.kind, doc.title, doc.body) == ("markdown", "สรุปเวที", "เนื้อหา")
    setext = parse("บันทึกเวที\n=====\n\nเนื้อหา", "y.md", suffix=".MD")
    assert (setext.title, setext.body) == ("บันทึกเวที", "เนื้อหา")


def test_html_drops_scripts_styles_navigation(data_dir: Path) -> None:
    path = data_dir / "ingest_page.html"
    doc = parse_file(path, str(path), max_bytes=MB)
    assert doc.kind == "html"
    assert doc.title == "เวทีสวัสดิการชุมชน | บันทึกภาคสนาม"
    for hidden in ["ห้ามแสดงสคริปต์นี้", "tracker", "console.log", "สคริปต์ท้ายหน้า", "font-family",
                   "หน้าแรก", "สงวนลิขสิทธิ์", "ข้อความที่ซ่อนอยู่", "<", "&nbsp;"]:
        assert hidden not in doc.text, hidden
    assert "ขบวนองค์กรชุมชนจัดเวทีที่มสธ. โดยการสนับสนุนของพอช." in doc.body
    assert "ผู้เข้าร่วมมาจาก\nภาคใต้\nภาคเหนือ" in doc.body
    assert "กองทุนสวัสดิการชุมชน\nสัจจะลดรายจ่ายวันละ 1 บาท" in doc.body
    assert "ใต้\t๔๗" in doc.body
    _check_layout(doc)


def test_html_is_detected_by_content() -> None:
    html = "<!DOCTYPE html><html><body><p>บันทึก<script>alert(1)</script></p><p>กองทุน</p></body></html>"
    assert looks_like_html(html)
    doc = parse(html, "saved.txt")
    assert doc.kind == "html"
    assert doc.text == "บันทึก\n\nกองทุน"
    assert not looks_like_html("บันทึก <b>ตัวหนา</b>")


def test_saved_gotoknow_page_as_html(seed_paths) -> None:
    raw = seed_paths["001"].read_text("utf-8")
    html = "<html><head><title>GotoKnow</title></head><body>" + "".join(
        f"<p>{line}</p>" for line in raw.split("\n") if line.strip()) + "</body></html>"
    doc = parse(html, "001.html", suffix=".html")
    assert doc.kind == "gotoknow"
    assert doc.record_id == "71001"
    assert doc.tags == ("องค์กรการเงินชุมชน",)
    assert ("format", "html") in doc.meta


def test_html_nested_very_deep_does_not_recurse() -> None:
    # Deeper than Python's recursion limit (1,000). lexbor itself gets slow
    # (quadratic) on far deeper nesting: 20,000 levels take ~4 s to parse.
    page = html_to_text("<body>" + "<div>" * 3_000 + "ลึกมาก" + "</div>" * 3_000 + "</body>")
    assert page.text == "ลึกมาก"


def test_thaigov_fixture(data_dir: Path) -> None:
    path = data_dir / "ingest_thaigov_034928.txt"
    doc = parse_file(path, str(path), max_bytes=MB)
    assert doc.kind == "thaigov"
    assert doc.title == "50 ล้านบาทสุดท้ายกับการลงทุนพันธบัตรออมทรัพย์"  # site prefix removed
    assert doc.url == "https://www.thaigov.go.th/news/contents/details/34928"
    assert doc.created == datetime(2020, 9, 9)  # วันพุธที่ 9 กันยายน 2563
    assert "ที่มา" not in doc.text
    assert "พิมพ์\n" not in doc.text  # the print button
    assert doc.text.count(doc.title) == 1  # the repeated title line is dropped
    assert doc.lead.startswith("ขณะนี้พันธบัตรออมทรัพย์รุ่นก้าวไปด้วยกัน")
    assert doc.body.endswith("โทร. 0 2271 7999 ต่อ 5809/ 0 2265 8050 ต่อ 5307")
    # Each line of the page is a paragraph.
    assert doc.body.count("\n\n") == 3
    _check_layout(doc)


def test_thaigov_keeps_thai_digits_in_body(data_dir: Path) -> None:
    path = data_dir / "ingest_thaigov_035268.txt"
    doc = parse_file(path, str(path), max_bytes=MB)
    assert doc.kind == "thaigov"
    assert doc.created == datetime(2020, 9, 21)
    assert "วันพฤหัสบดีที่ ๒๙ ตุลาคม ๒๕๖๓" in doc.body


@pytest.mark.skipif(not THAIGOV.is_dir(), reason="thaigov corpus not available")
def test_thaigov_corpus_sample() -> None:
    files = sorted(THAIGOV.glob("*.txt"))
    sample = random.Random(7).sample(files, 60)
    # Known variants: a BOM, "ที่มา :" lines inside the body, a title without
    # the "ข่าวทำเนียบรัฐบาล" part.
    sample += [THAIGOV / n for n in ("thaigov-046211.txt", "thaigov-036885.txt", "thaigov-038576.txt")]
    for path in sample:
        doc = parse_file(path, str(path), max_bytes=8 * MB)
        assert doc.kind == "thaigov", path
        number = path.stem.split("-")[1].lstrip("0")
        assert doc.url == f"https://www.thaigov.go.th/news/contents/details/{number}", path
        assert not doc.title.startswith("รัฐบาลไทย-"), path
        assert doc.created is not None and 2019 <= doc.created.year <= 2026, path
        assert "thaigov.go.th/news/contents/details" not in doc.text, path
        assert "\ufeff" not in doc.text and "\u200b" not in doc.text
        _check_layout(doc)
    inner = parse_file(THAIGOV / "thaigov-036885.txt", "x", max_bytes=8 * MB)
    assert "ที่มา: CEIC" in inner.body  # a source note inside the text stays


def test_parse_file_refuses_bad_files(tmp_path: Path) -> None:
    png = tmp_path / "photo.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(16))
    with pytest.raises(UnreadableFileError, match="binary file"):
        parse_file(png, "photo.txt", max_bytes=MB)


def test_parse_file_tis620(tmp_path: Path, seed_paths) -> None:
    raw = seed_paths["001"].read_text("utf-8")
    path = tmp_path / "old.txt"
    path.write_bytes(raw.encode("cp874"))
    doc = parse_file(path, "old.txt", max_bytes=MB)
    utf8 = parse_file(seed_paths["001"], "new.txt", max_bytes=MB)
    assert doc.id == utf8.id
    assert doc.record_id == "71001"


def test_build_document_skips_empty_comments() -> None:
    doc = build_document("plain", "x", "หัวเรื่อง", "เนื้อหา", [("ก", "  "), (None, " ความเห็น ")])
    assert [(c.author, c.text) for c in doc.comments] == [(None, "ความเห็น")]
    assert doc.text == "หัวเรื่อง\n\nเนื้อหา\n\nความเห็น"
    _check_layout(doc)
