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
from search.models import Hit, SimilarDoc

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

        try:
            report = ingest_candidates(
                self.store, candidates, self._hooks(), self.settings, progress=tick
            )
        finally:
            # Derived indexes follow the store even after an interrupted run.
            self._refresh_derived()
        return report

    def _refresh_derived(self) -> None:
        self.search_engine.sync(self.store.conn)

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

        engine = self.search_engine
        return Hooks(
            parse=parse,
            chunk=chunk,
            terms=terms,
            embed=engine.embed_passages,
            write_search=engine.write,
        )

    # -- search ----------------------------------------------------------------------

    @cached_property
    def search_engine(self):  # type: ignore[no-untyped-def]
        """The search side of this home folder (:class:`search.engine.SearchEngine`)."""
        from search.engine import SearchEngine

        return SearchEngine.open(
            self.store.conn, self.home, self.settings, readonly=self.readonly
        )

    def search(self, query: str, k: int = 10, mode: str | None = None) -> list[Hit]:
        """Passages that answer ``query`` (Thai or English), best first.

        Args:
            query: the question or keywords, e.g. ``"ใครทำสัจจะลดรายจ่ายวันละ 1 บาท"``.
            k: how many passages.
            mode: ``hybrid`` (default), ``bm25`` or ``dense``.
        """
        return self.search_engine.search(self.store.conn, query, k=k, mode=mode)

    def similar(self, doc_ref: str, k: int = 5) -> list[SimilarDoc]:
        """The notes most similar to a note (by id or source path), itself excluded."""
        doc = self.store.document(doc_ref)
        return self.search_engine.similar(self.store.conn, doc.id, k=k)

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
