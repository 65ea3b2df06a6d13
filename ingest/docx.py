"""Word (.docx) files → :class:`~ingest.models.Document`, structure kept.

python-docx (MIT) reads the body in document order: paragraphs, headings and
tables. Headings become ``Section("heading", start, end)`` spans so chunking
can break there; a table becomes one text row per table row, cells joined by
`` | `` (a merged cell is written once). Paragraphs and tables are separated
by blank lines, as in the text exports, so a report and its text version
chunk and tokenise alike. The core properties (title, author, created,
modified) fill the Document's fields; the others go to ``Document.meta``.

Running page headers and footers, footnotes and comments are not read: they
are not part of the report's running text.

Example:
    >>> from pathlib import Path
    >>> doc = parse_docx(Path("บันทึกการประชุม.docx").read_bytes(), "บันทึกการประชุม.docx")  # doctest: +SKIP
    >>> [doc.text[s.start:s.end] for s in doc.sections if s.name == "heading"]  # doctest: +SKIP
    ['วาระที่ 1 เรื่องแจ้งเพื่อทราบ', 'วาระที่ 2 กองทุนหมู่บ้าน']
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from io import BytesIO

from fieldnotes.errors import UnreadableFileError
from ingest.models import Document, Section
from ingest.normalize import normalize_text
from ingest.thai_repair import repair_thai

__all__ = ["parse_docx"]

_CELL_SEPARATOR = " | "
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Core properties that become Document.meta entries (title, author and the
# dates have their own Document fields).
_META_PROPS = ("subject", "keywords", "category", "comments", "last_modified_by", "language")
# Outline levels 0-8 mark headings; 9 is body text (ECMA-376, 17.3.1.20).
_BODY_LEVEL = 9


@dataclass(frozen=True)
class _Block:
    """One paragraph, heading or table of the body, as text."""

    kind: str  # "paragraph", "heading" or "table"
    text: str


def parse_docx(data: bytes, source: str) -> Document:
    """Parse a .docx file into a Document with headings kept as sections.

    The title is the core property ``title``; when that is empty, the first
    heading, else the first paragraph, which is then not repeated in the body.

    Args:
        data: the .docx file's bytes.
        source: the path as given, for the document and for error messages.

    Returns:
        A Document of kind ``"docx"``: sections ``title``, ``body`` and one
        ``heading`` per heading paragraph; ``meta`` holds the other core
        properties (subject, keywords, category, last_modified_by …).

    Raises:
        UnreadableFileError: not a .docx (e.g. an old .doc), password-protected,
            or damaged.

    Example:
        >>> doc = parse_docx(data, "รายงาน.docx")  # doctest: +SKIP
        >>> doc.kind, doc.title  # doctest: +SKIP
        ('docx', 'รายงานผลการดำเนินงานกองทุนสวัสดิการชุมชน')
    """
    document = _open(data, source)
    blocks = [b for b in _blocks(document) if b.text]
    props = document.core_properties
    title = _clean(props.title or "")
    if not title:
        first = next((b for b in blocks if b.kind == "heading"), None) or next(
            (b for b in blocks if b.kind == "paragraph"), None
        )
        if first is not None:
            # A paragraph may hold line breaks: its first line is the title.
            head, _, rest = first.text.partition("\n")
            title = head.strip()
            at = blocks.index(first)
            if rest.strip():
                blocks[at] = _Block(first.kind, rest.strip())
            else:
                del blocks[at]
    title = title or source

    body_parts: list[str] = []
    headings: list[Section] = []  # offsets into the body, moved below
    offset = 0
    for block in blocks:
        if body_parts:
            offset += 2
        if block.kind == "heading":
            headings.append(Section("heading", offset, offset + len(block.text)))
        body_parts.append(block.text)
        offset += len(block.text)
    body = "\n\n".join(body_parts)

    meta: list[tuple[str, str]] = []
    for name in _META_PROPS:
        value = normalize_text(str(getattr(props, name, "") or "")).strip()
        if value:
            meta.append((name, value))
    if props.revision:
        meta.append(("revision", str(props.revision)))
    # Imported here: ingest.parse may dispatch .docx files to this module.
    from ingest.parse import build_document

    doc = build_document(
        "docx",
        source,
        title,
        body,
        lead=next((b.text for b in blocks if b.kind == "paragraph"), ""),
        created=_utc(props.created),
        edited=_utc(props.modified),
        author=normalize_text(props.author or "").strip() or None,
        meta=tuple(meta),
    )
    # The body ends the text (a docx has no comments): its offset moves the headings.
    shift = len(doc.text) - len(body)
    moved = tuple(Section(s.name, s.start + shift, s.end + shift) for s in headings)
    return replace(doc, sections=doc.sections + moved)


def _open(data: bytes, source: str) -> object:
    """The python-docx Document of ``data``, or a clear UnreadableFileError."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    if data.startswith(_OLE_MAGIC):
        raise UnreadableFileError(
            source,
            "an old Word 97-2003 .doc or a password-protected .docx; "
            "save it as .docx without a password and ingest that",
        )
    if not data.startswith(b"PK"):
        raise UnreadableFileError(source, "not a .docx file (not a ZIP package); check the file type")
    try:
        return docx.Document(BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as exc:
        raise UnreadableFileError(
            source, f"damaged or not a Word document ({exc}); re-save it from Word as .docx"
        ) from exc


def _blocks(document: object) -> list[_Block]:
    """Paragraphs, headings and tables of the body, in document order."""
    from docx.table import Table

    headings = _heading_style_ids(document)
    out: list[_Block] = []
    for item in document.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(item, Table):
            out.append(_Block("table", _table_text(item)))
            continue
        # The style id straight from the XML: python-docx's ``paragraph.style``
        # searches the styles part for every paragraph (5 ms each).
        p = item._p
        own = _outline_level(p.pPr)
        heading = p.style in headings or (own is not None and own < _BODY_LEVEL)
        out.append(_Block("heading" if heading else "paragraph", _clean(item.text)))
    return out


def _heading_style_ids(document: object) -> set[str]:
    """Ids of paragraph styles that make headings: Heading n, Title, or an outline level.

    The outline level may come from a base style (a custom style based on
    Heading 1), so the ``based on`` chain is followed.
    """
    from docx.enum.style import WD_STYLE_TYPE

    ids: set[str] = set()
    for style in document.styles:  # type: ignore[attr-defined]
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            continue
        base, depth = style, 0
        while base is not None and depth < 10:
            name = (base.name or "").lower()
            level = _outline_level(base.element.pPr)
            if name.startswith("heading") or name in ("title", "subtitle") or (
                level is not None and level < _BODY_LEVEL
            ):
                ids.add(style.style_id)
                break
            base, depth = base.base_style, depth + 1
    return ids


def _outline_level(ppr: object | None) -> int | None:
    """The ``w:outlineLvl`` of a paragraph-properties element, if set."""
    if ppr is None:
        return None
    from docx.oxml.ns import qn

    node = ppr.find(qn("w:outlineLvl"))  # type: ignore[attr-defined]
    if node is None:
        return None
    try:
        return int(node.get(qn("w:val")))
    except (TypeError, ValueError):
        return None


def _table_text(table: object) -> str:
    """One line per row, cells joined by `` | ``; merged cells written once."""
    rows: list[str] = []
    for row in table.rows:  # type: ignore[attr-defined]
        cells: list[str] = []
        seen: list[object] = []
        for cell in row.cells:
            # python-docx repeats a merged cell for every grid column it spans.
            if any(cell._tc is tc for tc in seen):
                continue
            seen.append(cell._tc)
            cells.append(" ".join(_clean(cell.text).split()))
        if any(cells):
            rows.append(_CELL_SEPARATOR.join(cells))
    return "\n".join(rows)


def _clean(text: str) -> str:
    """Normalised text with Thai marks in order and PUA glyphs mapped back.

    Word files carry the same legacy damage as PDFs where text was typed with
    old Thai fonts or keyboards ("เเ" for "แ", "ํา" for "ำ"); the spaces are
    as the author typed them, so they are kept (no word joining).
    """
    return repair_thai(normalize_text(text), join_words=False).strip()


def _utc(when: datetime | None) -> datetime | None:
    """python-docx gives core-property dates naive, in UTC; make that explicit."""
    if when is None:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
