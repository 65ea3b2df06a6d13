"""Tests of the line-joining rules of ingest.pdf_layout, on Thai PDFs built at test time.

fpdf2 (:func:`tests.reports_fixtures.pdf_bytes`) breaks a line at the last space
that fits and, in a run with no space, at whatever character reached the
margin; the PDF keeps no trace of either break. Each test first checks with
PDFium's own text (none of our layout rules) that the PDF breaks where the test
means it to, then that :func:`ingest.pdf.parse_pdf` gives the source text back.
The fonts are named, so the breaks fall where they were measured.
"""

from __future__ import annotations

import pytest

from ingest.pdf import parse_pdf
from ingest.pdf_layout import Line, Writer, breaks_inside_words, page_seam
from tests.reports_fixtures import pdf_bytes, thai_font

TITLE = "บันทึกการประชุมเครือข่ายองค์กรการเงินชุมชน"
# No space: the margin cuts "สร้|าง", a syllable, which only a writer that
# breaks between characters does.
CUT = ("องค์กรการเงินชุมชนมีศักยภาพที่จะเป็นหน่วยจัดการงบประมาณ(รัฐ)มูลฐาน(กว่าอบต.)"
       "เพื่อสร้างสวัสดิการชุมชน")
# "…ปัทมาวดี" ends a short line: the run after its space is too long to follow it.
NAME = ("จากหัวข้อเศรษฐกิจท้องถิ่นของรศ.ดร.ปัทมาวดี โพชนุกูลhttp://gotoknow.org/blog/econ4life/75627 "
        "ผมมีความเห็นว่า")
# Breaks at the spaces after "เช่น", "ชุมนุม" and "เป็นต้น".
PARTNERS = ("ยังมีภาคีอื่นที่มีแนวคิดหรือมีหน้าที่ในการสนับสนุนขบวนองค์กรชุมชนไม่ต่างกันมากนัก เช่น "
            "กรมการพัฒนาชุมชน สำนักงานกองทุนหมู่บ้านและชุมชนเมืองแห่งชาติ และชุมนุม "
            "สหกรณ์เครดิตยูเนี่ยนแห่งประเทศไทย เป็นต้น "
            "จึงน่าจะได้มาเสวนาร่วมกันเพื่อจะได้แลกเปลี่ยนความคิดฝันและสร้างทีมทำงานด้วยกัน")


def _raw_lines(data: bytes) -> list[list[str]]:
    """Each page's lines as PDFium's text has them: no layout rules of ours."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        return [doc[i].get_textpage().get_text_range().replace("\r\n", "\n").split("\n")
                for i in range(len(doc))]
    finally:
        doc.close()


def _breaks(data: bytes, before: str, after: str) -> bool:
    """Does a line of the PDF end with ``before`` and the next (maybe on the next page) start with ``after``?"""
    lines = [line for page in _raw_lines(data) for line in page]
    return any(a.endswith(before) and b.startswith(after) for a, b in zip(lines, lines[1:]))


def _garuda(paragraphs: list[str]) -> bytes:
    return pdf_bytes([[TITLE, *paragraphs]], font=thai_font("Garuda"))


def test_break_that_replaced_a_space_is_a_space_again() -> None:
    data = _garuda([CUT, PARTNERS])
    assert _breaks(data, "และชุมนุม", "สหกรณ์") and _breaks(data, "เพื่อสร้", "างสวัสดิการ")
    text = parse_pdf(data, "partners.pdf").text
    # The writer cuts syllables, so it breaks only at spaces: a break where the
    # line had a space to break at replaced one ("ชุมนุม สหกรณ์", not the
    # "ชุมนุมสหกรณ์" a Thai-joins-Thai rule makes) ...
    assert PARTNERS in text
    # ... and the margin's cut inside a run with no space joins with nothing.
    assert CUT in text


def test_short_line_wraps_when_the_next_run_would_not_have_fitted() -> None:
    data = _garuda([CUT, NAME])
    assert _breaks(data, "จากหัวข้อเศรษฐกิจท้องถิ่นของรศ.ดร.ปัทมาวดี", "โพชนุกูลhttp")
    text = parse_pdf(data, "name.pdf").text
    # Half the line was left, but "โพชนุกูลhttp://…" needed more: a wrap, and
    # the name stays whole.
    assert NAME in text
    # "างสวัสดิการชุมชน" ends short too, and "จากหัวข้อ…ปัทมาวดี" would have
    # fitted after it: a paragraph end.
    assert "สวัสดิการชุมชน\n\nจากหัวข้อ" in text


def test_without_a_cut_syllable_thai_is_taken_to_break_between_words() -> None:
    # Only NAME: no line of this PDF ends or starts mid-syllable, so nothing
    # tells its writer from Word or LibreOffice, which break Thai between
    # words. For them the 18 ems left after "ปัทมาวดี" would have held the next
    # word: the short line ends its paragraph.
    data = _garuda([NAME])
    assert _breaks(data, "รศ.ดร.ปัทมาวดี", "โพชนุกูล")
    assert "รศ.ดร.ปัทมาวดี\n\nโพชนุกูล" in parse_pdf(data, "name.pdf").text


def test_paragraph_goes_on_over_the_page_break() -> None:
    # 25 one-line decisions push PARTNERS over the page break after "และชุมนุม".
    decisions = [f"มติที่ประชุมข้อ {n}" for n in range(1, 26)]
    data = _garuda([CUT, *decisions, PARTNERS])
    pages = _raw_lines(data)
    assert pages[0][-1].endswith("และชุมนุม") and pages[1][0].startswith("สหกรณ์เครดิต")
    doc = parse_pdf(data, "pages.pdf")
    assert PARTNERS in doc.text
    assert doc.page_at(doc.text.index("และชุมนุม")) == 1
    assert doc.page_at(doc.text.index("สหกรณ์เครดิต")) == 2
    # The decisions, short lines followed by one that would have fitted, stay apart.
    assert "มติที่ประชุมข้อ 24\n\nมติที่ประชุมข้อ 25" in doc.text


def test_a_gap_the_width_of_a_space_is_a_space() -> None:
    # HarfBuzz-shaped Loma draws this space as a gap with no space character in
    # the PDF; only the glyph positions say it is there.
    phrase = "เผยแพร่ชีวิตประเสริฐโดยอาจารย์วิโรจน์ ศิริอัฐ"
    data = pdf_bytes([[TITLE, phrase]], font=thai_font("Loma"), shaping=True)
    assert "วิโรจน์ศิริอัฐ" in "".join(_raw_lines(data)[0])
    assert phrase in parse_pdf(data, "shaped.pdf").text


def test_sara_am_takes_room_at_the_end_of_a_line() -> None:
    # Loma: "เมื|อง" tells a writer that cuts syllables; PARTNERS, justified to the
    # margin, where the column ends. "จัดตั้งสำ" ends a line cut by the margin:
    # measured to its consonant only, the room left would seem to hold "ค", and
    # the break to have replaced a space ("สำ คัญ").
    reach = "พื้นที่จัดการความรู้เพื่อพัฒนาเครือข่ายกองทุนหมู่บ้านระดับตำบลทั้งในเขตชนบทและกึ่งเมือง 2"
    founder = ("2)กระบวนการทางชุมชน/สังคมเป็นแนวคิดในการดำเนินงานของพอช.ซึ่งผู้บุกเบิก"
               "จัดตั้งสำคัญก็คือท่านรัฐมนตรีนั่นเอง")
    data = pdf_bytes([[TITLE, reach, PARTNERS, founder]], font=thai_font("Loma"))
    assert _breaks(data, "กึ่งเมื", "อง 2") and _breaks(data, "จัดตั้งสำ", "คัญ")
    text = parse_pdf(data, "loma.pdf").text
    assert founder in text and "กึ่งเมือง 2" in text


@pytest.mark.parametrize(
    ("end", "start", "cut"),
    [
        ("เพื่อสร้", "างสวัสดิการ", True),  # a follow vowel starts the line
        ("ที่มสธ.โ", "ดยการหนุนเสริม", True),  # a lead vowel ends it
        ("เพื่อสนั", "บสนุนการขับเคลื่อน", True),  # mai han-akat needs its final
        ("ระบบการเงิ", "นชุมชน", True),  # so does sara e with sara i
        ("กำลังเชื่อม", "โยงกันไปได้ดี", False),  # LibreOffice: between words
        ("รศ.ดร.ปัทมาวดี โพชนุ", "กูล", False),  # between syllables of a name
    ],
    ids=["follow-vowel", "lead-vowel", "mai-han-akat", "sara-e-i", "between-words", "name"],
)
def test_breaks_inside_words_only_on_a_cut_syllable(end: str, start: str, cut: bool) -> None:
    lines = [Line("สรุปการประชุม"), Line(end), Line(start)]
    assert breaks_inside_words([lines]) is cut


def test_page_seam_needs_the_same_type_and_a_run_that_did_not_fit() -> None:
    writer = Writer(spaces_only=True, right=564.0)
    # Last line of page 1 and first of page 2, in PDF points (size, right, baseline,
    # first run, first glyph).
    last = Line("กรมการพัฒนาชุมชน สำนักงานกองทุนหมู่บ้านและชุมนุม", 14, 564.0, 83.0, 110, 7)
    top = Line("สหกรณ์เครดิตยูเนี่ยนแห่งประเทศไทย เป็นต้น", 14, 300.0, 797.0, 230, 7)
    assert page_seam([last], [top], writer) == " "
    heading = Line("สรุปผลการประชุม", 20, 200.0, 797.0, 150, 10)
    assert page_seam([last], [heading], writer) is None
    short = Line("มติที่ประชุมข้อ 25", 14, 130.0, 83.0, 90, 7)
    decision = Line("มติที่ประชุมข้อ 26", 14, 130.0, 797.0, 90, 7)
    assert page_seam([short], [decision], writer) is None  # 434 points left, 95 needed
    assert page_seam([], [top], writer) is None
