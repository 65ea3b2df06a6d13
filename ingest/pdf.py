"""PDF files → :class:`~ingest.models.Document`, with Thai text intact and pages kept.

Two permissively licensed extractors are used, and the better text wins page
by page:

* **PDFium** through ``pypdfium2`` (BSD-3-Clause / Apache-2.0) reads first. It
  honours ``/ActualText`` spans, which LibreOffice and other shaping producers
  use for sara am and other multi-glyph Thai clusters, flags glyphs without a
  Unicode mapping (they are dropped rather than left as junk), and gives each
  line's font size and position, used to rebuild paragraphs.
* **pypdf** (BSD-3-Clause), pure Python and slower, is a second opinion for
  pages whose PDFium text reads worse than clean Thai prose: it keeps the
  content-stream order of marks where PDFium's layout heuristics move a tone
  mark away from its consonant.

"Better" is measured with the project's tokeniser after :func:`repair_thai`:
fewer letters in non-dictionary Thai tokens, no junk characters. pdfminer.six
(MIT) was measured too and lost on both kinds of Thai PDF (its layout analysis
tears marks from their consonants); PyMuPDF is AGPL and is not used.

Then :mod:`ingest.pdf_layout` removes running headers, footers and page numbers
(lines that repeat at the top or bottom of most pages once digits, Thai or
Arabic, are ignored) and joins wrapped lines into paragraphs, across page breaks
too; each page becomes a ``Section("page", start, end, page=n)`` (a paragraph
that goes on over the break spans two) so :meth:`Document.page_at` answers
"page 7". A PDF without a text layer (a scan) is refused with
:class:`~fieldnotes.errors.UnreadableFileError`, never indexed as empty.

Example:
    >>> from pathlib import Path
    >>> doc = parse_pdf(Path("report.pdf").read_bytes(), "report.pdf")  # doctest: +SKIP
    >>> doc.page_at(doc.text.index("กองทุนหมู่บ้าน"))  # doctest: +SKIP
    3
"""

from __future__ import annotations

import re
from dataclasses import replace
from difflib import SequenceMatcher
from io import BytesIO

from fieldnotes.errors import UnreadableFileError
from ingest.models import Document, Section
from ingest.normalize import normalize_text
from ingest.pdf_layout import (
    Glyph,
    Line,
    Writer,
    join_runs,
    page_seam,
    paragraphs,
    strip_running_lines,
)
from ingest.thai_repair import repair_thai, thai_damage

__all__ = ["parse_pdf"]

# PDFium's page gets a second opinion from pypdf when its badness (junk and
# letters in non-dictionary Thai tokens) passes this share of its letters:
# clean Thai prose measures below 1 %, pages with misplaced marks 1.5-4.5 %.
_SECOND_OPINION = 0.01
# pypdf's line for a PDFium line: among the next few, the one with the most
# letters in common, if they share this share of their letters.
_PAIR_WINDOW = 3
_PAIR_RATIO = 0.9
# Fewer letters and digits than this in the whole file: no text layer.
_MIN_TEXT_CHARS = 10
_NO_TEXT = "PDF has no text layer (scanned image?); OCR is not supported"
# A first paragraph longer than this is text, not a heading: only its first
# line becomes the title.
_MAX_TITLE = 200
_SPACES = re.compile(r"\s+")
# Glyphs that do not sit on the baseline: marks, and sara am, whose first
# glyph in shaped text is the nikhahit above the consonant.
_MARK_OR_SPACE = re.compile("[\u0e31\u0e33\u0e34-\u0e3a\u0e47-\u0e4e\\s]")
# A gap between two glyphs this many ems wide is a space: a space is a third
# of an em in Thai fonts, a quarter in Latin ones; kerning moves glyphs by less.
_SPACE_GAP = 0.2
_KEEP_PUNCT = set(" \t\n\r.,;:!?-–—/()[]\"'“”‘’")
_TITLE_JUNK = re.compile(r"^(untitled|microsoft (word|powerpoint) - .*|.*\.(docx?|pdf|odt))$", re.I)


def parse_pdf(data: bytes, source: str) -> Document:
    """Parse a PDF file into a Document with one ``page`` section per page.

    The title is the file's ``/Title`` when it is a real title (not
    ``Microsoft Word - x.docx``), else the first paragraph of the first page
    (its heading), which is then not repeated in the body. ``Document.text`` is
    the title, a blank line, and the pages' paragraphs separated by blank lines.

    Args:
        data: the PDF file's bytes.
        source: the path as given, for the document and for error messages.

    Returns:
        A Document of kind ``"pdf"``; ``meta`` holds the page count, producer
        and the extractor chosen for each page.

    Raises:
        UnreadableFileError: not a PDF, damaged, password-protected, or without
            a text layer (a scanned image; OCR is not supported).

    Example:
        >>> doc = parse_pdf(data, "รายงานประจำปี.pdf")  # doctest: +SKIP
        >>> doc.kind, doc.page_at(doc.text.index("ตำบลกะหรอ"))  # doctest: +SKIP
        ('pdf', 12)
    """
    page_lines, extractors, info = _read(data, source)
    writer = Writer.of(page_lines)
    pages = [paragraphs(lines, writer) for lines in page_lines]
    # What joins page n's last paragraph to page n+1's first (None: a new one).
    seams = [page_seam(a, b, writer) for a, b in zip(page_lines, page_lines[1:])]
    title = _clean_title(info.get("title", ""))
    title_page = None
    if not title:
        for i, paras in enumerate(pages):
            if paras:
                title_page = i + 1
                if len(paras[0]) <= _MAX_TITLE:
                    title, pages[i] = paras[0], paras[1:]
                else:
                    title, pages[i] = page_lines[i][0].text, paragraphs(page_lines[i][1:], writer)
                break
    title = normalize_text(title).strip() or source

    body_parts: list[str] = []
    page_sections: list[Section] = []  # offsets into the body, moved below
    offset = 0
    for number, paras in enumerate(pages, start=1):
        # Blank lines between paragraphs, as in the text exports, so a report
        # and its text version chunk alike.
        text = normalize_text("\n\n".join(paras)).strip()
        if not text:
            continue
        if body_parts:
            follows = page_sections[-1].page == number - 1
            sep = seams[number - 2] if follows and seams[number - 2] is not None else "\n\n"
            body_parts.append(sep)
            offset += len(sep)
        page_sections.append(Section("page", offset, offset + len(text), page=number))
        body_parts.append(text)
        offset += len(text)
    body = "".join(body_parts)

    meta = [("pages", str(info["pages"])), ("extractors", ",".join(extractors))]
    with_text = {s.page for s in page_sections} | {title_page}
    empty = [str(n) for n in range(1, len(pages) + 1) if n not in with_text]
    if empty:
        meta.append(("pages_without_text", ",".join(empty)))
    for key in ("producer", "creator", "subject", "keywords"):
        value = normalize_text(info.get(key, "")).strip()
        if value:
            meta.append((key, value))
    # Imported here: ingest.parse may dispatch .pdf files to this module.
    from ingest.parse import build_document

    doc = build_document(
        "pdf",
        source,
        title,
        body,
        created=info.get("created"),
        edited=info.get("modified"),
        author=normalize_text(info.get("author", "")).strip() or None,
        meta=tuple(meta),
    )
    # The body ends the text (a PDF has no comments): its offset moves the pages.
    shift = len(doc.text) - len(body)
    sections = [
        replace(s, page=title_page) if s.name == "title" else s for s in doc.sections
    ] + [replace(s, start=s.start + shift, end=s.end + shift) for s in page_sections]
    return replace(doc, sections=tuple(sections))


def _read(data: bytes, source: str) -> tuple[list[list[Line]], list[str], dict]:
    """The repaired lines of every page (running lines removed), extractors, file info."""
    if b"%PDF-" not in data[:1024]:
        raise UnreadableFileError(source, "not a PDF file (no %PDF- header); check the file type")
    pdfium_pages, unmapped = _pdfium_pages(data, source)
    if sum(_count_text(line.text) for page in pdfium_pages for line in page) < _MIN_TEXT_CHARS:
        raise UnreadableFileError(source, _NO_TEXT)
    reader = _pypdf_reader(data)
    info = _info(reader, len(pdfium_pages))
    extractors: list[str] = []
    pages: list[list[Line]] = []
    for i, raw_lines in enumerate(pdfium_pages):
        lines = [replace(ln, text=t) for ln in raw_lines if (t := _clean(ln.text))]
        name = "pdfium"
        # pypdf is slow (pure Python) and only a second opinion: asked only
        # when PDFium's page reads worse than clean Thai prose does.
        if thai_damage("\n".join(ln.text for ln in lines)) > _SECOND_OPINION * max(
            1, sum(_count_text(ln.text) for ln in lines)
        ):
            other = _pypdf_page(reader, i)
            if other is not None:
                texts = [t for t in map(_clean, _drop_unmapped(other, unmapped[i]).split("\n")) if t]
                lines, taken = _second_opinion(lines, texts)
                name = "pypdf" if 2 * taken > len(lines) else "pdfium+pypdf" if taken else name
        extractors.append(name)
        pages.append(lines)
    pages = strip_running_lines(pages)
    # A scan with page numbers or a running header stamped on it is a scan too.
    if sum(_count_text(line.text) for page in pages for line in page) < _MIN_TEXT_CHARS:
        raise UnreadableFileError(source, _NO_TEXT)
    return pages, extractors, info


def _second_opinion(lines: list[Line], others: list[str]) -> tuple[list[Line], int]:
    """Each PDFium line replaced by pypdf's text of the same line where that reads better.

    Lines are paired in order by their characters (``quick_ratio``: the same
    letters, whatever their order); PDFium's geometry is kept for paragraphs.
    Returns the lines and how many came from pypdf.
    """
    out: list[Line] = []
    taken = start = 0
    for line in lines:
        window = range(start, min(start + _PAIR_WINDOW, len(others)))
        scored = [(SequenceMatcher(None, line.text, others[k]).quick_ratio(), k) for k in window]
        ratio, k = max(scored, default=(0.0, start))
        if ratio < _PAIR_RATIO:
            out.append(line)
            continue
        start = k + 1
        if thai_damage(others[k]) < thai_damage(line.text):
            out.append(replace(line, text=others[k]))
            taken += 1
        else:
            out.append(line)
    return out, taken


def _pdfium_pages(data: bytes, source: str) -> tuple[list[list[Line]], list[set[str]]]:
    """Lines of every page from PDFium, and the glyph codes it found unmapped on each."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UnreadableFileError(
                source, "PDF is password-protected; save an unprotected copy and ingest that"
            ) from exc
        raise UnreadableFileError(
            source, f"damaged or unsupported PDF ({exc}); re-export or repair the file"
        ) from exc
    pages: list[list[Line]] = []
    unmapped: list[set[str]] = []
    try:
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            junk: set[str] = set()
            pages.append(_pdfium_lines(textpage, junk))
            unmapped.append(junk)
            textpage.close()
            page.close()
    except pdfium.PdfiumError as exc:
        raise UnreadableFileError(source, f"damaged PDF ({exc}); re-export or repair the file") from exc
    finally:
        doc.close()
    return pages, unmapped


def _pdfium_lines(textpage: object, junk: set[str]) -> list[Line]:
    """The lines of a PDFium text page with their font size and glyph positions.

    A glyph without a Unicode mapping comes out of PDFium as its glyph code
    ("$", "\\x03"), junk inside a Thai word: it is dropped, and its code added
    to ``junk`` so the same stray character can be removed from pypdf's text.
    A gap of a space's width between two glyphs is a space, as PDFium does not
    always say (text drawn with the spaces left out, shaped by HarfBuzz).
    """
    import pypdfium2.raw as pdfium_c

    raw = textpage.raw  # type: ignore[attr-defined]
    runs: list[tuple[str, list[Glyph]]] = []
    units: list[int] = []
    glyphs: list[Glyph] = []  # base glyphs and spaces
    covered: float | None = None  # where the glyphs drawn so far on the line end
    count = textpage.count_chars()  # type: ignore[attr-defined]
    for k in range(count + 1):
        # One step past the last character closes the last line.
        code = pdfium_c.FPDFText_GetUnicode(raw, k) if k < count else 0x0A
        if code in (0x0A, 0x0D):
            runs.append((_from_utf16_units(units), glyphs))
            units, glyphs, covered = [], [], None
            continue
        unmapped = pdfium_c.FPDFText_HasUnicodeMapError(raw, k)
        if code == 0x20 and not unmapped:
            glyphs.append(Glyph(" "))  # ends the line's first run
        elif not pdfium_c.FPDFText_IsGenerated(raw, k):
            # The loose box spans the glyph's advance: what a writer fits on a line.
            left, _, right, _ = textpage.get_charbox(k, loose=True)  # type: ignore[attr-defined]
            size = pdfium_c.FPDFText_GetFontSize(raw, k)
            gap = left - covered if covered is not None else 0.0
            if gap > _SPACE_GAP * size and glyphs and glyphs[-1].char != " ":
                units.append(0x20)
                glyphs.append(Glyph(" "))
            covered = right if covered is None else max(covered, right)
            # Marks sit above or below their consonant: only base glyphs (an
            # unmapped one is drawn all the same) and sara am, which takes
            # room after its consonant, say where the line is.
            if unmapped or code == 0x0E33 or not _MARK_OR_SPACE.match(chr(code)):
                bottom = textpage.get_charbox(k)[1]  # type: ignore[attr-defined]
                glyphs.append(Glyph(chr(code) if 0 < code < 0x110000 else "?", left, right, bottom, size))
        if unmapped and 0 < code < 0x110000:
            junk.add(chr(code))
        elif not unmapped:
            units.append(code)
    return join_runs(runs)


def _pypdf_reader(data: bytes) -> object | None:
    """A lazy pypdf reader of ``data``, or None when pypdf cannot read a file PDFium can."""
    import pypdf
    from pypdf.errors import PyPdfError

    try:
        reader = pypdf.PdfReader(BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        return reader
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, NotImplementedError):
        return None


def _info(reader: object | None, pages: int) -> dict:
    """Page count, and title, author, producer, dates … where pypdf can read them."""
    from pypdf.errors import PyPdfError

    info: dict = {"pages": pages}
    try:
        meta = reader.metadata if reader is not None else None  # type: ignore[attr-defined]
        if meta is None:
            return info
        for key in ("title", "author", "subject", "creator", "producer"):
            value = getattr(meta, key, None)
            if value:
                info[key] = str(value)
        if meta.get("/Keywords"):
            info["keywords"] = str(meta["/Keywords"])
        info["created"] = meta.creation_date
        info["modified"] = meta.modification_date
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        pass  # metadata is optional; a damaged Info dictionary costs only that
    return info


def _pypdf_page(reader: object | None, index: int) -> str | None:
    """pypdf's text of one page, or None where pypdf fails on it (it is only a second opinion)."""
    from pypdf.errors import PyPdfError

    if reader is None:
        return None
    try:
        return reader.pages[index].extract_text() or ""  # type: ignore[attr-defined]
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, NotImplementedError,
            IndexError):
        return None


def _from_utf16_units(units: list[int]) -> str:
    """Join PDFium's character codes, pairing UTF-16 surrogates where present."""
    raw = "".join(chr(u) for u in units if 0 < u < 0x110000)
    if any("\ud800" <= ch <= "\udfff" for ch in raw):
        raw = raw.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return raw


def _drop_unmapped(text: str, unmapped: set[str]) -> str:
    """Remove from pypdf's text the glyph codes PDFium found unmapped on the page.

    Both libraries fall back to the raw glyph code for a glyph the font's
    ToUnicode map leaves out, so those codes show up in pypdf's text as stray
    characters ("กำ$หนด"). They are removed only between Thai letters, where
    such a character cannot be real, and never spaces or common punctuation
    (a control code such as ``"\\x0b"`` is removed: it is no real space).
    """
    junk = "".join(sorted(ch for ch in unmapped if ch not in _KEEP_PUNCT))
    if not junk:
        return text
    return re.sub(f"(?<=[\u0e01-\u0e4e])[{re.escape(junk)}]+(?=[\u0e01-\u0e4e])", "", text)


def _count_text(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def _clean(line: str) -> str:
    """One line normalised, Thai repaired, spacing collapsed and trimmed."""
    return _SPACES.sub(" ", repair_thai(normalize_text(line))).strip()


def _clean_title(title: str) -> str:
    title = normalize_text(title).strip()
    return "" if not title or _TITLE_JUNK.match(title) else title
