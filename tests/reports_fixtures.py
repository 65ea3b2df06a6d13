"""Builders of the DOCX and PDF fixtures for the report tests, made at test time.

Nothing binary is committed: each test builds the file it needs from Thai text
(the seed posts in ``corpus/`` or the short texts below) with python-docx and
fpdf2, using a real Thai TrueType font from the system (Debian package
``fonts-tlwg-garuda-ttf``; any of :data:`THAI_FONTS` will do).

* :func:`docx_bytes` — paragraphs, headings and a table, with core properties.
* :func:`pdf_bytes` — Thai pages drawn with a Thai font; optional HarfBuzz
  shaping (as a real layout engine draws Thai), running header and page
  numbers, and text in legacy PUA glyph code points (:func:`to_pua`).
* :func:`image_pdf_bytes` — a "scan": one page with only an image on it.
* :func:`cer` — character error rate after normalisation (NFC, whitespace
  removed), with RapidFuzz's Levenshtein distance.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest

__all__ = [
    "THAI_FONTS",
    "CORPUS",
    "thai_font",
    "cer",
    "seed_texts",
    "docx_bytes",
    "pdf_bytes",
    "image_pdf_bytes",
    "seed_docx_bytes",
    "seed_pdf_bytes",
    "to_pua",
    "thai_digits",
]

#: Thai TrueType fonts looked for, best first (TLWG fonts carry both OpenType
#: Thai tables and the legacy PUA glyphs the PUA fixture needs).
THAI_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/tlwg/Garuda.ttf",
    "/usr/share/fonts/truetype/tlwg/Loma.ttf",
    "/usr/share/fonts/truetype/tlwg/Norasi.ttf",
    "/usr/share/fonts/truetype/tlwg/Kinnari.ttf",
)
CORPUS = Path(__file__).resolve().parent.parent / "corpus"
_MISSING_FONT = (
    "no Thai TrueType font found (looked for {}); install one with "
    "`apt-get install fonts-tlwg-garuda-ttf`"
)


def thai_font(name: str | None = None) -> str:
    """Path of a Thai TTF font (``name`` like ``"Loma"`` to pick one), or skip the test."""
    for path in THAI_FONTS:
        if Path(path).is_file() and (name is None or Path(path).stem == name):
            return path
    pytest.skip(_MISSING_FONT.format(", ".join(THAI_FONTS)))
    raise AssertionError("unreachable")  # pytest.skip raises


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate of ``hypothesis`` against ``reference``.

    Both are put in NFC and stripped of all whitespace first: line wrapping
    and the spaces a PDF layout adds or drops are not character errors in
    Thai, which writes words without spaces.
    """
    from rapidfuzz.distance import Levenshtein

    ref = "".join(unicodedata.normalize("NFC", reference).split())
    hyp = "".join(unicodedata.normalize("NFC", hypothesis).split())
    return Levenshtein.distance(ref, hyp) / max(1, len(ref))


def seed_texts() -> dict[str, str]:
    """The seed posts of ``corpus/``: file name → text."""
    return {p.name: p.read_text("utf-8") for p in sorted(CORPUS.glob("*.txt"))}


def _paragraphs(text: str) -> tuple[str, list[str]]:
    """A seed post's title (first line) and its non-empty lines as paragraphs."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    return lines[0], lines[1:]


def docx_bytes(
    blocks: list[tuple[str, object]],
    *,
    title: str | None = None,
    author: str | None = None,
    subject: str | None = None,
    keywords: str | None = None,
    font: str = "Garuda",
) -> bytes:
    """A .docx made of ``blocks`` in order.

    Args:
        blocks: ``("heading", text)``, ``("paragraph", text)`` or
            ``("table", [[cell, ...], ...])``.
        title, author, subject, keywords: core properties (``None`` leaves
            python-docx's template value, which for title is empty).
        font: the font named for Thai (complex script) text.
    """
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:cs"), font)
    for kind, content in blocks:
        if kind == "heading":
            document.add_heading(str(content), level=1)
        elif kind == "paragraph":
            document.add_paragraph(str(content))
        elif kind == "table":
            rows = list(content)  # type: ignore[call-overload]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        else:
            raise ValueError(f"unknown block kind {kind!r}")
    props = document.core_properties
    for name, value in (("title", title), ("author", author), ("subject", subject),
                        ("keywords", keywords)):
        if value is not None:
            setattr(props, name, value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def seed_docx_bytes(text: str) -> bytes:
    """A seed post as a .docx: the first line as a heading, then paragraphs."""
    title, paragraphs = _paragraphs(text)
    return docx_bytes([("heading", title)] + [("paragraph", p) for p in paragraphs])


def pdf_bytes(
    pages: list[list[str]],
    *,
    font: str | None = None,
    shaping: bool = False,
    header: str | None = None,
    page_numbers: str | None = None,
    title: str | None = None,
    size: float = 14,
    heading: bool = True,
) -> bytes:
    """A PDF of Thai paragraphs drawn with a real Thai font.

    Args:
        pages: paragraphs per page; a new page is started for each list (a
            long list also flows over several pages).
        font: TTF path (default: the first of :data:`THAI_FONTS` found).
        shaping: shape text with HarfBuzz (uharfbuzz) as a layout engine would:
            marks positioned, sara am decomposed.
        header: a running header drawn at the top of every page.
        page_numbers: a format for a footer on every page, e.g.
            ``"หน้า {thai}"`` or ``"- {n} -"`` (``{n}`` Arabic, ``{thai}`` Thai digits).
        title: the PDF's ``/Title``.
        size: font size in points.
        heading: draw the first paragraph of the first page as a title
            (larger type, space below).
    """
    from fpdf import FPDF

    path = font or thai_font()

    class _Report(FPDF):
        def header(self) -> None:
            if header:
                self.set_font("thai", size=10)
                self.cell(0, 8, header, new_x="LMARGIN", new_y="NEXT", align="C")
                self.ln(2)
                self.set_font("thai", size=size)

        def footer(self) -> None:
            if page_numbers:
                self.set_y(-15)
                self.set_font("thai", size=10)
                n = self.page_no()
                self.cell(0, 8, page_numbers.format(n=n, thai=thai_digits(str(n))), align="C")

    pdf = _Report()
    pdf.add_font("thai", fname=path)
    pdf.set_font("thai", size=size)
    if shaping:
        pytest.importorskip("uharfbuzz", reason="text shaping needs uharfbuzz (pip install uharfbuzz)")
        pdf.set_text_shaping(True)
    if title:
        pdf.set_title(title)
    for number, paragraphs in enumerate(pages):
        pdf.add_page()
        for i, paragraph in enumerate(paragraphs):
            if heading and number == 0 and i == 0:
                # A report's title: larger type and space below, as reports have.
                pdf.set_font("thai", size=size * 1.4)
                pdf.multi_cell(0, size * 0.8, paragraph, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(size * 0.4)
                pdf.set_font("thai", size=size)
                continue
            pdf.multi_cell(0, size * 0.6, paragraph, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def seed_pdf_bytes(text: str, *, font: str | None = None, shaping: bool = False) -> bytes:
    """A seed post as a PDF: the title line, then its paragraphs, flowing over pages."""
    title, paragraphs = _paragraphs(text)
    return pdf_bytes([[title] + paragraphs], font=font, shaping=shaping)


def image_pdf_bytes(pages: int = 1, page_numbers: bool = False) -> bytes:
    """A PDF of pictures only (what a scanner makes): no text layer.

    Args:
        pages: how many scanned pages.
        page_numbers: stamp a real-text page number ("หน้า ๑") on each page, as
            some scanning software does.
    """
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    image = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(image)
    for y in range(60, 760, 28):  # lines of "text" as a scan shows them
        draw.rectangle((50, y, 550 - (y * 7) % 200, y + 12), fill=30)
    pdf = FPDF()
    if page_numbers:
        pdf.add_font("thai", fname=thai_font())
        pdf.set_font("thai", size=10)
    for n in range(1, pages + 1):
        pdf.add_page()
        pdf.image(image, x=10, y=10, w=190)
        if page_numbers:
            pdf.set_xy(10, 285)
            pdf.cell(0, 8, f"หน้า {thai_digits(str(n))}", align="C")
    return bytes(pdf.output())


def thai_digits(text: str) -> str:
    """Arabic digits → Thai digits (``12`` → ``๑๒``)."""
    return text.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))


# The Windows PUA forms of legacy Thai fonts, as listed in HarfBuzz's
# hb-ot-shaper-thai.cc: written out here independently of ingest.thai_repair so
# the test does not check the table against itself.
_SHIFT_DOWN = {"่": "\uf70a", "้": "\uf70b", "๊": "\uf70c", "๋": "\uf70d", "์": "\uf70e",
               "ุ": "\uf718", "ู": "\uf719", "ฺ": "\uf71a"}
_SHIFT_DOWN_LEFT = {"่": "\uf705", "้": "\uf706", "๊": "\uf707", "๋": "\uf708", "์": "\uf709"}
_SHIFT_LEFT = {"่": "\uf713", "้": "\uf714", "๊": "\uf715", "๋": "\uf716", "์": "\uf717",
               "ั": "\uf710", "ิ": "\uf701", "ี": "\uf702", "ึ": "\uf703", "ื": "\uf704",
               "็": "\uf712", "ํ": "\uf711"}
_NO_DESCENDER = {"ญ": "\uf70f", "ฐ": "\uf700"}
_ASCENDER = set("ปฝฟ")
_ABOVE = set("ัิีึื็ํ")
_BELOW = set("ฺุู")
_TONES = set("่้๊๋์")


def to_pua(text: str) -> str:
    """Thai text as a legacy (non-OpenType) Thai font draws it: with PUA glyph codes.

    A simplified form of the PUA fallback shaping (HarfBuzz ``do_thai_pua_shaping``):
    a tone mark with no vowel above it is shifted down; above vowels and tone
    marks over ป ฝ ฟ are shifted left; ญ and ฐ lose their descender above a
    below vowel. Sara am is decomposed to nikhahit + sara aa first, as the
    shaper does.
    """
    text = text.replace("ำ", "ํา")
    out: list[str] = []
    base, above, base_at = "", False, 0
    for ch in text:
        if ch in _ABOVE:
            out.append(_SHIFT_LEFT[ch] if base in _ASCENDER else ch)
            above = True
        elif ch in _TONES:
            if base in _ASCENDER:
                out.append((_SHIFT_LEFT if above else _SHIFT_DOWN_LEFT)[ch])
            else:
                out.append(ch if above else _SHIFT_DOWN[ch])
        elif ch in _BELOW:
            if base in _NO_DESCENDER:
                out[base_at] = _NO_DESCENDER[base]
            out.append(ch)
        else:
            out.append(ch)
            base, above, base_at = ch, False, len(out) - 1
    return "".join(out)
