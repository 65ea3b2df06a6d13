"""Tests of ingest.pdf: Thai PDFs built at test time with fpdf2 and a real Thai font."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from fieldnotes.errors import UnreadableFileError
from ingest.pdf import parse_pdf
from tests.reports_fixtures import (
    cer,
    image_pdf_bytes,
    pdf_bytes,
    seed_docx_bytes,
    seed_pdf_bytes,
    seed_texts,
    thai_font,
    to_pua,
)

# Three pages of a report, with one phrase on each page to look for.
PAGES = [
    [
        "รายงานผลการดำเนินงานกองทุนสวัสดิการชุมชนตำบลน้ำขาว",
        "เครือข่ายสัจจะลดรายจ่ายวันละหนึ่งบาท จังหวัดสงขลา ลงลึกที่ตำบลน้ำขาว อำเภอจะนะ "
        "สมาชิกออมเงินวันละบาทเพื่อจัดสวัสดิการเกิดแก่เจ็บตายให้แก่กันและกัน",
    ],
    [
        "กองทุนหมู่บ้านตำบลกะหรอ กิ่งอำเภอนบพิตำ จังหวัดนครศรีธรรมราช "
        "ใช้การจัดการความรู้หนุนการทำงานของคณะกรรมการ ผู้ใหญ่บ้านเป็นคุณอำนวยในเวทีประชาคม",
    ],
    [
        "เครือข่ายสวัสดิการวันละบาท จังหวัดลำปาง แลกเปลี่ยนเรียนรู้กับพื้นที่อื่น "
        "ผู้นำชุมชนที่เข้มแข็งทำให้กองทุนเติบโตอย่างยั่งยืน",
    ],
]
ON_PAGE = {"ตำบลน้ำขาว อำเภอจะนะ": 1, "กิ่งอำเภอนบพิตำ": 2, "จังหวัดลำปาง": 3}
SOURCE = "\n".join(p for page in PAGES for p in page)


def _check_offsets(doc) -> None:
    for s in doc.sections:
        assert 0 <= s.start <= s.end <= len(doc.text)
    pages = [s for s in doc.sections if s.name == "page"]
    assert [s.page for s in pages] == sorted(s.page for s in pages)
    for a, b in zip(pages, pages[1:]):
        assert a.end <= b.start


def test_thai_pdf_text_matches_source() -> None:
    doc = parse_pdf(pdf_bytes(PAGES), "report.pdf")
    assert doc.kind == "pdf"
    assert cer(SOURCE, doc.text) <= 0.01
    assert doc.title == PAGES[0][0]
    assert doc.id == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()[:16]
    _check_offsets(doc)


def test_page_at_gives_the_page_of_a_phrase() -> None:
    doc = parse_pdf(pdf_bytes(PAGES), "report.pdf")
    for phrase, page in ON_PAGE.items():
        assert doc.page_at(doc.text.index(phrase)) == page
    pages = {s.page: doc.text[s.start : s.end] for s in doc.sections if s.name == "page"}
    assert set(pages) == {1, 2, 3}
    assert "กิ่งอำเภอนบพิตำ" in pages[2]


@pytest.mark.parametrize("font", ["Garuda", "Loma"])
def test_shaped_thai_pdf_text_matches_source(font: str) -> None:
    # HarfBuzz shaping decomposes sara am and positions marks, as Word and
    # LibreOffice do; fpdf2 leaves some of those glyphs without a Unicode map.
    doc = parse_pdf(pdf_bytes(PAGES, font=thai_font(font), shaping=True), "shaped.pdf")
    assert cer(SOURCE, doc.text) <= 0.01
    for phrase, page in ON_PAGE.items():
        assert doc.page_at(doc.text.index(phrase)) == page


def test_metadata_title_and_author() -> None:
    data = pdf_bytes(PAGES, title="รายงานประจำปี ๒๕๕๐")
    doc = parse_pdf(data, "report.pdf")
    assert doc.title == "รายงานประจำปี ๒๕๕๐"
    assert dict(doc.meta)["pages"] == "3"
    # The first line is then body text, on page 1.
    assert doc.page_at(doc.text.index(PAGES[0][0])) == 1
    assert doc.created is not None


@pytest.mark.parametrize("numbers", ["หน้า {thai}", "- {n} -"])
def test_running_header_and_page_numbers_are_removed(numbers: str) -> None:
    header = "รายงานประจำปี ๒๕๕๐ เครือข่ายองค์กรการเงินชุมชนภาคใต้"
    doc = parse_pdf(pdf_bytes(PAGES, header=header, page_numbers=numbers), "report.pdf")
    assert header not in doc.text
    assert "หน้า ๒" not in doc.text and "- 2 -" not in doc.text
    assert doc.title == PAGES[0][0]
    assert cer(SOURCE, doc.text) <= 0.01
    for phrase, page in ON_PAGE.items():
        assert doc.page_at(doc.text.index(phrase)) == page


def test_line_repeated_in_the_body_is_kept() -> None:
    pages = [["สรุปเวทีครั้งที่หนึ่ง", "มติที่ประชุม", "ให้ออมเงินทุกวัน"],
             ["สรุปเวทีครั้งที่สอง", "มติที่ประชุม", "ให้จัดสวัสดิการ"]]
    doc = parse_pdf(pdf_bytes(pages), "two.pdf")
    assert doc.text.count("มติที่ประชุม") == 2
    assert "สรุปเวทีครั้งที่สอง" in doc.text


def test_pua_glyphs_are_mapped_back() -> None:
    text = "ผู้ใหญ่บ้านปลูกฝ้ายที่ฐานทัพ ปู่กับย่าไปฟังเทศน์ที่วัด น้ำใจของชุมชนตำบลกะหรอ"
    data = pdf_bytes([[to_pua(text)]], title="บันทึก")
    import pypdf

    raw = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert any("\uf700" <= ch <= "\uf71a" for ch in raw)  # the PDF really carries PUA codes
    doc = parse_pdf(data, "legacy.pdf")
    assert not any("\ue000" <= ch <= "\uf8ff" for ch in doc.text)
    # The space where the line wrapped is not in the PDF; every letter is.
    assert "".join(text.split()) in "".join(doc.text.split())
    assert "ผู้ใหญ่บ้านปลูกฝ้ายที่ฐานทัพ" in doc.text


@pytest.mark.parametrize("name", sorted(seed_texts()))
@pytest.mark.parametrize("shaping", [False, True], ids=["plain", "shaped"])
def test_seed_post_as_pdf_matches_its_text(name: str, shaping: bool) -> None:
    text = seed_texts()[name]
    doc = parse_pdf(seed_pdf_bytes(text, shaping=shaping), name)
    assert cer(text, doc.text) <= 0.01
    _check_offsets(doc)
    # Every page section holds text that really is on that page.
    assert doc.page_at(len(doc.text) - 1) == max(s.page for s in doc.sections if s.page)


def test_image_only_pdf_is_refused() -> None:
    with pytest.raises(UnreadableFileError, match="no text layer") as info:
        parse_pdf(image_pdf_bytes(), "scan.pdf")
    assert info.value.path == "scan.pdf"
    assert "OCR is not supported" in info.value.reason


def test_scan_with_stamped_page_numbers_is_refused() -> None:
    with pytest.raises(UnreadableFileError, match="no text layer"):
        parse_pdf(image_pdf_bytes(pages=4, page_numbers=True), "scan.pdf")


def test_password_protected_pdf_is_refused() -> None:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_bytes(PAGES))))
    writer.encrypt(user_password="ลับ1234", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(UnreadableFileError, match="password-protected"):
        parse_pdf(out.getvalue(), "secret.pdf")


def test_pdf_with_owner_password_only_is_read() -> None:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_bytes(PAGES))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    doc = parse_pdf(out.getvalue(), "locked.pdf")
    assert "กิ่งอำเภอนบพิตำ" in doc.text


def test_damaged_pdf_is_refused() -> None:
    data = pdf_bytes(PAGES)
    with pytest.raises(UnreadableFileError, match="damaged"):
        parse_pdf(data[:300], "cut.pdf")


def test_not_a_pdf_is_refused() -> None:
    with pytest.raises(UnreadableFileError, match="not a PDF"):
        parse_pdf("บันทึกธรรมดา".encode(), "note.pdf")


def test_libreoffice_pdf_of_a_seed_post(tmp_path: Path) -> None:
    # LibreOffice, like Word, draws sara am as two glyphs under an /ActualText
    # span: the case PDFium reads and pypdf does not.
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) not installed: apt-get install libreoffice-writer-nogui")
    text = seed_texts()["000_d3db8b877662650d.txt"]
    (tmp_path / "seed.docx").write_bytes(seed_docx_bytes(text))
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "seed.docx")],
        check=True, capture_output=True, timeout=120,
    )
    doc = parse_pdf((tmp_path / "seed.pdf").read_bytes(), "seed.pdf")
    assert cer(text, doc.text) <= 0.01
    assert doc.title == text.splitlines()[0]
    assert dict(doc.meta)["producer"].startswith("LibreOffice")


# ingest.pdf_layout: the page-layout half of the PDF reader, tested on its own
# with lines as PDFium measures them (size, right edge, baseline in points).


def test_layout_strips_two_line_header_and_page_numbers_but_keeps_body() -> None:
    from ingest.pdf_layout import Line, strip_running_lines

    bodies = [
        ["กองทุนหมู่บ้านตำบลกะหรอ", "มติที่ประชุม", "ให้ออมเงินทุกวัน"],
        ["เครือข่ายสัจจะลดรายจ่าย", "มติที่ประชุม", "ให้จัดสวัสดิการ"],
        ["สวัสดิการวันละบาท", "ผู้นำชุมชน", "ขยายผลทั้งจังหวัด"],
        ["สรุปบทเรียน", "ข้อเสนอแนะ", "ภาคผนวก"],
    ]
    pages = [
        [Line(f"รายงานประจำปี ๒๕๕{n}"), Line("เครือข่ายองค์กรการเงินชุมชนภาคใต้"),
         *map(Line, body), Line(f"- {n} -")]
        for n, body in enumerate(bodies, start=1)
    ]
    out = strip_running_lines(pages)
    # The two-line header (digits differ) and "- n -" go; "มติที่ประชุม",
    # repeated on two pages but inside the text, stays.
    assert [[ln.text for ln in page] for page in out] == bodies
    assert [len(p) for p in pages] == [6, 6, 6, 6]  # the input is not changed


def test_layout_running_lines_need_two_pages_and_a_share() -> None:
    from ingest.pdf_layout import Line, strip_running_lines

    one = [[Line("หัวกระดาษ"), Line("กองทุนหมู่บ้าน")]]
    assert strip_running_lines(one) == one
    chapters = ["บทนำ", "พื้นที่ศึกษา", "ผลการศึกษา", "บทเรียน", "ข้อเสนอแนะ"]

    def pages(header_on: int) -> list[list[Line]]:
        return [[Line("รายงานฉบับย่อ")] * (n < header_on) + [Line(c), Line(f"เนื้อหา{c}")]
                for n, c in enumerate(chapters)]

    # On 1 page of 5 a line is not running; on 2 of 5 (40 %) it is.
    assert strip_running_lines(pages(1)) == pages(1)
    assert strip_running_lines(pages(2)) == pages(0)


def test_layout_paragraphs_from_geometry() -> None:
    from ingest.pdf_layout import Line, paragraphs

    lines = [
        Line("รายงานผลการดำเนินงาน", 18, 300, 760),  # a heading: larger type
        Line("กองทุนหมู่บ้านตำบลกะหรอใช้การจัดการความรู้", 12, 520, 730),  # reaches the margin
        Line("หนุนการทำงานของคณะกรรมการ", 12, 330, 715),  # short: the paragraph ends
        Line("ผู้ใหญ่บ้านเป็นคุณอำนวยในเวที", 12, 518, 700),
        Line("KM ของชุมชน", 12, 515, 685),  # Thai then Latin: joined with a space
        Line("เครือข่ายสวัสดิการวันละบาท", 12, 520, 640),  # after a gap: new paragraph
        Line("จังหวัดลำปาง", 12, 250, 625),
    ]
    assert paragraphs(lines) == [
        "รายงานผลการดำเนินงาน",
        "กองทุนหมู่บ้านตำบลกะหรอใช้การจัดการความรู้หนุนการทำงานของคณะกรรมการ",
        "ผู้ใหญ่บ้านเป็นคุณอำนวยในเวที KM ของชุมชน",
        "เครือข่ายสวัสดิการวันละบาทจังหวัดลำปาง",
    ]
    assert paragraphs([]) == []


def test_layout_paragraphs_without_geometry_use_line_lengths() -> None:
    from ingest.pdf_layout import Line, paragraphs

    full = "เครือข่ายสัจจะลดรายจ่ายวันละหนึ่งบาทจังหวัดสงขลา"
    lines = [Line(full), Line(full), Line("ลงลึกที่ตำบลน้ำขาว"), Line("สรุป")]
    assert paragraphs(lines) == [full + full + "ลงลึกที่ตำบลน้ำขาว", "สรุป"]


def test_layout_same_size_tolerates_ten_percent() -> None:
    from ingest.pdf_layout import Line, same_size

    assert same_size(Line("ก", 12.0), Line("ข", 13.0))
    assert not same_size(Line("ก", 12.0), Line("ข", 14.0))


def test_a_title_that_wraps_stays_whole() -> None:
    # Seed 002's title is wider than the page in the heading's larger type: its
    # two lines are further apart than the body's, and still one title.
    from ingest.parse import parse_file

    seed = next((Path(__file__).resolve().parents[1] / "corpus").glob("002_*.txt"))
    text = parse_file(seed, str(seed), max_bytes=32 << 20)
    doc = parse_pdf(seed_pdf_bytes(text.text), "002.pdf")
    assert doc.title == text.title == "เสวนาสร้างทีมจัดการความรู้เคลื่อนงานองค์กรการเงินสวัสดิการชุมชน"
    assert "สวัสดิการชุม\n" not in doc.text
