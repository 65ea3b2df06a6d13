"""The facade: one object that the CLI, the explorer, the tests and the benchmarks use.

Example:
    >>> kb = KnowledgeBase(".fieldnotes")
    >>> report = kb.ingest(["corpus/"])
    >>> [h.title for h in kb.search("กองทุนหมู่บ้าน", k=3)]
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable, Sequence

from fieldnotes.errors import InputError
from fieldnotes.pipeline import Hooks, IngestReport, ingest_candidates
from fieldnotes.settings import Settings
from ingest.models import Chunk, Document
from ingest.store import Store
from ingest.walk import iter_files

__all__ = ["KnowledgeBase"]


class KnowledgeBase:
    """A home folder of notes: the store, the search indexes and the knowledge graph.

    Args:
        home: the home folder (default from settings: ``./.fieldnotes`` or
            ``FIELDNOTES_HOME``).
        settings: settings to use (default: :meth:`Settings.from_env`).
        readonly: open for reading only (e.g. the explorer while an ingest runs).
    """

    def __init__(
        self,
        home: str | os.PathLike[str] | None = None,
        settings: Settings | None = None,
        *,
        readonly: bool = False,
    ) -> None:
        base = settings or Settings.from_env()
        self.settings = base if home is None else base.replace(home=Path(home))
        self.home = Path(self.settings.home)
        self.readonly = readonly
        self.store = Store(self.home / "store.sqlite", readonly=readonly)

    # -- ingest ----------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> IngestReport:
        """Ingest files and folders (recursive); idempotent and incremental.

        Args:
            paths: files or folders.
            progress: called as ``progress(done, total)`` while files are processed.

        Returns:
            What was added, updated, left unchanged, found duplicate or failed.
        """
        if self.readonly:
            raise InputError("this knowledge base was opened read-only; open it for writing to ingest")
        candidates = list(iter_files(paths))
        done = 0

        def tick(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(done, len(candidates))

        report = ingest_candidates(
            self.store, candidates, self._hooks(), self.settings, progress=tick
        )
        return report

    def _hooks(self) -> Hooks:
        from ingest.chunk import chunk_document
        from ingest.parse import parse_file
        from ingest.tokens import terms

        max_bytes = int(self.settings.max_file_mb * 1024 * 1024)
        chunk_tokens = self.settings.chunk_tokens
        overlap = self.settings.chunk_overlap_sentences

        def parse(path: Path, given: str) -> Document:
            return parse_file(path, given, max_bytes=max_bytes)

        def chunk(doc: Document) -> list[Chunk]:
            return chunk_document(doc, max_tokens=chunk_tokens, overlap_sentences=overlap)

        return Hooks(parse=parse, chunk=chunk, terms=terms)

    # -- documents -------------------------------------------------------------------

    def documents(self) -> list[Document]:
        """Every stored document."""
        return list(self.store.documents())

    def document(self, ref: str) -> Document:
        """A document by id or source path."""
        return self.store.document(ref)

    def chunks(self, doc_id: str) -> list[Chunk]:
        """The passages of a document, in order."""
        return [c for _, c in self.store.chunks(doc_id)]

    def docs_json(self) -> list[dict[str, object]]:
        """One JSON object per document, as ``fieldnotes docs --json`` prints."""
        counts = self.store.chunk_counts()
        return [d.to_json(n_chunks=counts.get(d.id, 0)) for d in self.store.documents()]

    def failures(self) -> list[tuple[str, str]]:
        """Files that could not be ingested, with the reason."""
        return self.store.failures()

    def stats(self) -> dict[str, int]:
        """Counts for a summary line."""
        return {
            "documents": self.store.count_documents(),
            "chunks": self.store.count_chunks(),
        }

    def close(self) -> None:
        """Release the database connection of this thread."""
        self.store.close()
