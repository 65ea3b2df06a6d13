"""Data classes of search results. Every search mode returns a list of :class:`Hit`."""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["Hit", "SimilarDoc"]


@dataclass(frozen=True)
class Hit:
    """One passage found by a search.

    Attributes:
        doc_id: the document's id.
        source: the document's source path.
        title: the document's title.
        chunk_id: ``"<doc_id>:<index>"``.
        start: offset of the passage in the stored document text.
        end: end offset (exclusive).
        score: higher is better; comparable within one result list only.
        text: the passage.
        page: 1-based page for paged sources, else ``None``.
    """

    doc_id: str
    source: str
    title: str
    chunk_id: str
    start: int
    end: int
    score: float
    text: str
    page: int | None = None

    def to_json(self) -> dict[str, object]:
        """The stable JSON shape of ``fieldnotes search --json``."""
        return asdict(self)


@dataclass(frozen=True)
class SimilarDoc:
    """A document similar to another, with what the two share in the graph."""

    doc_id: str
    source: str
    title: str
    score: float
    shared: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The stable JSON shape of ``fieldnotes similar --json``."""
        return asdict(self) | {"shared": list(self.shared)}
