"""Text → :class:`~ingest.models.Document`: format detection and the document layout.

Formats, tried in this order:

* **HTML** (suffix ``.html``/``.htm``, or text that starts like HTML): a
  saved GotoKnow page is read by its structure (:mod:`ingest.gotoknow_html`)
  into the same fields as the GotoKnow text export; any other page is
  reduced to its visible text (:mod:`ingest.html`).
* **GotoKnow** posts (:mod:`ingest.gotoknow`), recognised by their markers.
* **thaigov** news (``../shared/corpora/thaigov-community``): title, a blank
  line, the body, and a last line ``ที่มา : <url>``.
* **Markdown** (``.md``): the title is the first ``# `` heading.
* **Plain text**: the title is the first non-empty line.

Every document is laid out the same way, so offsets mean the same thing
everywhere: ``text = title + "\\n\\n" + body`` and then ``"\\n\\n" + comment``
for each comment (``author + "\\n" + comment`` when it is signed); ``sections`` hold a ``title``, a ``body`` and one
``comment`` span per comment, and ``doc.text[c.start:c.end] == c.text`` for
every comment. The id is the first 16 hex digits of the SHA-256 of ``text``,
so the same note under two names is one document.

Example:
    >>> doc = parse("ประชุมกองทุนหมู่บ้าน\\n\\nวันนี้ที่ต.กะหรอ", "notes/a.txt")
    >>> doc.kind, doc.title, doc.body
    ('plain', 'ประชุมกองทุนหมู่บ้าน', 'วันนี้ที่ต.กะหรอ')
"""

from __future__ import annotations

import hashlib
import importlib
import re
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

from ingest.gotoknow import GotoKnowPost, is_gotoknow, parse_date, parse_gotoknow
from ingest.gotoknow_html import parse_gotoknow_html
from ingest.html import html_to_text, looks_like_html
from ingest.models import Comment, Document, Section
from ingest.normalize import normalize_text, thai_digits_to_arabic, tidy_lines
from ingest.read import read_bytes, read_text

__all__ = ["parse", "parse_file", "build_document", "document_id"]

_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
_THAIGOV_SOURCE = re.compile(r"^\s*ที่มา\s*:\s*(?P<url>https?://\S+)\s*$")
# The site name the thaigov pages put in front of every title.
_THAIGOV_PREFIX = re.compile(r"^รัฐบาลไทย-(?:ข่าวทำเนียบรัฐบาล-)?")
_THAIGOV_DATE = re.compile(r"^วัน\S*ที่\s*[0-9๐-๙]{1,2}\s+\S+\s+[0-9๐-๙]{4}$")
_ATX_H1 = re.compile(r"^#\s+(?P<title>.+?)(?:\s+#+)?\s*$")
_SETEXT_H1 = re.compile(r"^=+\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")
_FRONT_MATTER_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*?)\s*$")
# A first line longer than this is a paragraph, not a title (a file with one
# 200,000-character line): the title becomes its start, the body keeps it all.
_MAX_TITLE = 200
_SHORT_TITLE = 100


def document_id(text: str) -> str:
    """The id of a document with this (normalised) text: 16 hex digits of SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def parse(text: str, source: str, *, suffix: str = ".txt") -> Document:
    """Parse the text of a file into a Document, detecting its format.

    Args:
        text: the file's text (it is normalised here; normalising twice is harmless).
        source: the path as given to ingest; stored, never opened.
        suffix: the file's suffix (``".txt"``, ``".md"``, ``".html"`` …); it
            decides between Markdown, HTML and plain text.

    Returns:
        The document. Empty text gives a document with empty title and text.

    Example:
        >>> doc = parse("ต้นฉบับ KM\\n\\nการออมอย่างมีสัจจะ\\n\\nหมายเลขบันทึก: 39665", "004.txt")
        >>> doc.kind, doc.record_id, doc.title, doc.body
        ('gotoknow', '39665', 'ต้นฉบับ KM', 'การออมอย่างมีสัจจะ')
    """
    norm = normalize_text(text)
    suffix = suffix.lower()
    if suffix in _HTML_SUFFIXES or looks_like_html(norm):
        return _parse_html(norm, source)
    if is_gotoknow(norm):
        return _from_gotoknow(norm, source)
    lines = norm.split("\n")
    if _is_thaigov(lines):
        return _parse_thaigov(lines, source)
    if suffix in _MARKDOWN_SUFFIXES:
        return _parse_markdown(lines, source)
    return _parse_plain(lines, source, "plain")


def parse_file(path: Path, source: str, *, max_bytes: int) -> Document:
    """Read, normalise and parse a file (``.txt``, ``.md``, ``.html``, ``.pdf``, ``.docx``).

    Args:
        path: the file to read.
        source: the path as the user gave it (stored in ``Document.source``).
        max_bytes: files larger than this are refused.

    Raises:
        UnreadableFileError: the file is empty, binary, undecodable, too large,
            missing or not readable (see :func:`ingest.read.read_text`).
    """
    suffix = Path(path).suffix.lower()
    if suffix in _BINARY_FORMATS:
        module, func = _BINARY_FORMATS[suffix]
        parser = getattr(importlib.import_module(module), func)
        return parser(read_bytes(Path(path), max_bytes=max_bytes), source)
    text = normalize_text(read_text(Path(path), max_bytes=max_bytes))
    return parse(text, source, suffix=suffix)


# Formats read from bytes by their own modules (imported on first use: they
# pull in PDFium and python-docx, which text-only runs never need).
_BINARY_FORMATS = {
    ".pdf": ("ingest.pdf", "parse_pdf"),
    ".docx": ("ingest.docx", "parse_docx"),
}


def build_document(
    kind: str,
    source: str,
    title: str,
    body: str,
    comments: Sequence[tuple[str | None, str]] = (),
    **fields: Any,
) -> Document:
    """Lay out title, body and comments as one Document with exact offsets.

    Args:
        kind: the format, e.g. ``"plain"``.
        source: the path as given.
        title: one line (whitespace runs become one space). A "title" longer
            than 200 characters is a paragraph: it goes to the start of the
            body and the title becomes its first words plus "…".
        body: the body text (surrounding whitespace is removed).
        comments: ``(author or None, text)`` pairs; empty texts are skipped. A
            named comment's section starts with the author's name on a line of
            its own; ``Comment.start`` is where its text begins.
        **fields: other Document fields (``lead``, ``record_id``, ``created`` …).

    Returns:
        The Document; ``id`` is :func:`document_id` of its text.
    """
    title = title.strip()
    body = body.strip()
    if len(title) > _MAX_TITLE:
        # A first line this long is a paragraph: keep all of it in the body.
        body = f"{title}\n\n{body}" if body else title
        title = _shorten(title)
    title = " ".join(title.split())
    parts: list[str] = [title]
    sections = [Section("title", 0, len(title))]
    pos = len(title)

    def append(chunk: str) -> tuple[int, int]:
        nonlocal pos
        sep = "\n\n" if pos else ""
        parts.append(sep + chunk)
        start = pos + len(sep)
        pos = start + len(chunk)
        return start, pos

    if body:
        start, end = append(body)
    else:
        start = end = pos
    sections.append(Section("body", start, end))
    out_comments: list[Comment] = []
    for author, ctext in comments:
        ctext = ctext.strip()
        if not ctext:
            continue
        name = " ".join((author or "").split())
        if name:
            # The commenter's name stays in the text, on its own line before
            # the comment (where GotoKnow prints it): a mention must point at
            # text, and "who commented" is who is in the network.
            start, end = append(f"{name}\n{ctext}")
            out_comments.append(Comment(name, ctext, end - len(ctext), end))
        else:
            start, end = append(ctext)
            out_comments.append(Comment(None, ctext, start, end))
        sections.append(Section("comment", start, end))
    text = "".join(parts)
    fields.setdefault("lead", _first_paragraph(body))
    return Document(
        id=document_id(text),
        source=source,
        kind=kind,
        title=title,
        text=text,
        comments=tuple(out_comments),
        sections=tuple(sections),
        **fields,
    )


def _first_paragraph(body: str) -> str:
    return body.split("\n\n", 1)[0].strip() if body else ""


def _from_gotoknow(text: str, source: str, meta: tuple[tuple[str, str], ...] = ()) -> Document:
    return _gotoknow_document(parse_gotoknow(text), source, meta)


def _gotoknow_document(
    post: GotoKnowPost, source: str, meta: tuple[tuple[str, str], ...] = ()
) -> Document:
    return build_document(
        "gotoknow", source, post.title, post.body, post.comments,
        lead=post.lead, record_id=post.record_id, created=post.created,
        edited=post.edited, tags=post.tags, blog=post.blog, author=post.author,
        url=post.url, meta=post.meta + meta,
    )


def _parse_html(text: str, source: str) -> Document:
    post = parse_gotoknow_html(text)
    if post is not None:
        return _gotoknow_document(post, source, (("format", "html"),))
    page = html_to_text(text)
    # Entities become characters only now (&nbsp; → U+00A0): normalise again.
    body = normalize_text(page.text)
    if is_gotoknow(body):
        return _from_gotoknow(body, source, (("format", "html"),))
    lines = body.split("\n")
    if page.title:
        return build_document("html", source, normalize_text(page.title), tidy_lines(lines))
    return _parse_plain(lines, source, "html")


def _is_thaigov(lines: list[str]) -> bool:
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or first + 1 >= len(lines) or lines[first + 1].strip():
        return False
    last = next(i for i in range(len(lines) - 1, -1, -1) if lines[i].strip())
    return last > first and _THAIGOV_SOURCE.match(lines[last]) is not None


def _parse_thaigov(lines: list[str], source: str) -> Document:
    first = next(i for i, line in enumerate(lines) if line.strip())
    last = next(i for i in range(len(lines) - 1, -1, -1) if lines[i].strip())
    url = _THAIGOV_SOURCE.match(lines[last]).group("url")  # type: ignore[union-attr]
    title = _THAIGOV_PREFIX.sub("", lines[first].strip()).strip() or lines[first].strip()
    body = [line.strip() for line in lines[first + 1 : last] if line.strip()]
    created: datetime | None = None
    # The page header: a date line, the "พิมพ์" (print) button, the title again.
    if body and _THAIGOV_DATE.match(body[0]):
        created = parse_date(body.pop(0))
    if body and body[0] == "พิมพ์":
        body.pop(0)
    while body and body[0] == title:
        body.pop(0)
    # Each line of a thaigov page is a paragraph; a blank line between them
    # lets the chunker see those paragraph breaks.
    return build_document("thaigov", source, title, "\n\n".join(body), url=url, created=created)


def _parse_markdown(lines: list[str], source: str) -> Document:
    meta: list[tuple[str, str]] = []
    title = ""
    if lines and lines[0].strip() == "---":
        close = next((i for i in range(1, min(len(lines), 200)) if lines[i].strip() in ("---", "...")),
                     None)
        if close is not None:
            for line in lines[1:close]:
                m = _FRONT_MATTER_KEY.match(line)
                if m and m.group("value"):
                    value = m.group("value").strip("\"'")
                    if m.group("key").lower() == "title":
                        title = value
                    else:
                        meta.append((m.group("key"), value))
            lines = lines[close + 1 :]
    if not title:
        for i, line in enumerate(lines):
            m = _ATX_H1.match(line)
            if m:
                title = m.group("title")
                lines = lines[:i] + lines[i + 1 :]
                break
            if i + 1 < len(lines) and line.strip() and _SETEXT_H1.match(lines[i + 1]):
                title = line.strip()
                lines = lines[:i] + lines[i + 2 :]
                break
    fields: dict[str, Any] = {"meta": tuple(meta)}
    for key, value in meta:
        if key.lower() == "author":
            fields["author"] = value
        elif key.lower() in ("date", "created"):
            fields["created"] = _iso_date(value)
    if not title:
        doc = _parse_plain(lines, source, "markdown")
        return build_document("markdown", source, doc.title, doc.body, **fields)
    return build_document("markdown", source, title, tidy_lines(lines), **fields)


def _iso_date(value: str) -> datetime | None:
    """``2550-12-04`` or ``2007-12-04`` (Buddhist Era years above 2400 converted)."""
    m = _ISO_DATE.match(thai_digits_to_arabic(value))
    if m is None:
        return None
    year = int(m.group(1))
    year = year - 543 if year > 2400 else year
    try:
        return datetime(year, int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _parse_plain(lines: list[str], source: str, kind: str) -> Document:
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return build_document(kind, source, "", "")
    title = lines[first].strip()
    if kind == "markdown":
        title = title.lstrip("#").strip() or title
    return build_document(kind, source, title, tidy_lines(lines[first + 1 :]))


def _shorten(line: str) -> str:
    """The start of ``line``, cut at a word boundary of the Thai tokeniser, plus "…"."""
    from ingest.tokens import tokens

    head = line[: _SHORT_TITLE + 50]
    cut = 0
    for tok in tokens(head):
        if tok.end > _SHORT_TITLE:
            break
        cut = tok.end
    return line[: cut or _SHORT_TITLE].rstrip() + "…"
