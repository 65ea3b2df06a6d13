"""Data classes that ingest hands to the rest of the system.

Every span is a pair of character offsets into :attr:`Document.text`, the
normalised text that is stored, so any passage can be shown in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["Comment", "Section", "Document", "Chunk", "Token", "FILE_TYPE_NAMES"]

# What kind of file a note was read from, and its English name.
FILE_TYPE_NAMES: dict[str, str] = {
    "pdf": "PDF",
    "docx": "Word",
    "html": "HTML",
    "markdown": "Markdown",
    "text": "text",
}
_SUFFIX_TYPES = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html",
                 ".md": "markdown", ".markdown": "markdown"}


@dataclass(frozen=True)
class Token:
    """One token of the Thai tokeniser with its offsets in the tokenised text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Comment:
    """A reader's comment under a post.

    Attributes:
        author: the commenter's name, or ``None`` where the page gives none.
        text: the comment's text (equal to ``Document.text[start:end]``).
        start: offset of the comment in the document text.
        end: end offset (exclusive).
    """

    author: str | None
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Section:
    """A named span of the document text: ``title``, ``body``, ``comment`` or ``heading``.

    ``page`` is the 1-based page for PDF sources, else ``None``.
    """

    name: str
    start: int
    end: int
    page: int | None = None


@dataclass(frozen=True)
class Document:
    """One parsed note.

    ``text`` is what is stored and indexed: the title, a blank line, the body
    and then each comment, separated by blank lines. ``sections`` say where each
    part lies.

    Attributes:
        id: stable id derived from the normalised content (16 hex digits), so a
            duplicate under another name has the same id.
        source: the path as it was given to ingest.
        kind: ``gotoknow``, ``thaigov``, ``plain``, ``markdown``, ``html``,
            ``pdf`` or ``docx``.
        title: first line (GotoKnow, thaigov) or the file's own title.
        text: normalised text; all offsets point into it.
        lead: the first paragraph of the body.
        record_id: GotoKnow หมายเลขบันทึก, e.g. ``"71001"``.
        created: when the note was written, if known.
        edited: when it was last edited, if known.
        tags: GotoKnow tags (คำสำคัญ).
        blog: the GotoKnow blog name (``… ใน <blog>``).
        url: the source address, where the file names one (thaigov ``ที่มา``).
        author: the author, where known.
        comments: readers' comments, in order.
        sections: where title, body, comments (and headings, pages) lie in ``text``.
        meta: any other metadata of the format (e.g. DOCX core properties).
    """

    id: str
    source: str
    kind: str
    title: str
    text: str
    lead: str = ""
    record_id: str | None = None
    created: datetime | None = None
    edited: datetime | None = None
    tags: tuple[str, ...] = ()
    blog: str | None = None
    url: str | None = None
    author: str | None = None
    comments: tuple[Comment, ...] = ()
    sections: tuple[Section, ...] = ()
    meta: tuple[tuple[str, str], ...] = field(default=())

    @property
    def body(self) -> str:
        """The body text (without title and comments)."""
        for s in self.sections:
            if s.name == "body":
                return self.text[s.start : s.end]
        return self.text

    @property
    def file_type(self) -> str:
        """The kind of file this note was read from: a key of :data:`FILE_TYPE_NAMES`.

        The reader's ``kind`` says it for PDF, DOCX, HTML and Markdown; a saved
        GotoKnow page is read as ``gotoknow`` but marks ``("format", "html")`` in
        its metadata; anything else falls back on the file name, then plain text.
        """
        if self.kind in FILE_TYPE_NAMES:
            return str(self.kind)
        fmt = dict(self.meta or ()).get("format")
        if fmt in FILE_TYPE_NAMES:
            return str(fmt)
        name = str(self.source).lower()
        return next((t for suf, t in _SUFFIX_TYPES.items() if name.endswith(suf)), "text")

    def page_at(self, offset: int) -> int | None:
        """The 1-based page that holds ``offset``, for paged sources; else ``None``."""
        for s in self.sections:
            if s.page is not None and s.start <= offset < s.end:
                return s.page
        return None

    def to_json(self, n_chunks: int | None = None) -> dict[str, Any]:
        """The stable JSON shape of ``fieldnotes docs --json``."""
        out: dict[str, Any] = {
            "id": self.id,
            "source": self.source,
            "kind": self.kind,
            "title": self.title,
            "record_id": self.record_id,
            "created": self.created.isoformat() if self.created else None,
            "edited": self.edited.isoformat() if self.edited else None,
            "tags": list(self.tags),
            "blog": self.blog,
            "url": self.url,
            "comments": [{"author": c.author, "text": c.text} for c in self.comments],
        }
        if n_chunks is not None:
            out["n_chunks"] = n_chunks
        return out


@dataclass(frozen=True)
class Chunk:
    """A passage of a document, sized for the embedding model.

    Attributes:
        doc_id: the document's id.
        index: position of the chunk in the document (0-based).
        start: offset of the passage in ``Document.text``.
        end: end offset (exclusive).
        text: ``Document.text[start:end]``.
        section: the section the chunk lies in (``title``/``body``/``comment``).
        page: 1-based page for paged sources, else ``None``.
    """

    doc_id: str
    index: int
    start: int
    end: int
    text: str
    section: str = "body"
    page: int | None = None

    @property
    def id(self) -> str:
        """Stable chunk id ``"<doc_id>:<index>"``."""
        return f"{self.doc_id}:{self.index}"
