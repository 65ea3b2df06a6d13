"""The facade: one object that the CLI, the explorer, the tests and the benchmarks use.

Example:
    >>> kb = KnowledgeBase(".fieldnotes")
    >>> report = kb.ingest(["corpus/"])
    >>> [h.title for h in kb.search("กองทุนหมู่บ้าน", k=3)]
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from fieldnotes.errors import InputError
from fieldnotes.graph_views import GraphViews
from fieldnotes.settings import Settings
from ingest.models import Chunk, Document
from ingest.store import Store

# The ingest pipeline and the search package (numpy, worker pools: 0.2 s) are
# imported where they are used, so opening a knowledge base to browse it (the
# explorer's first page) does not wait for them.
if TYPE_CHECKING:
    from fieldnotes.pipeline import Hooks, IngestReport
    from search.models import Hit, SimilarDoc

__all__ = ["KnowledgeBase"]


class KnowledgeBase(GraphViews):
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
        if not readonly:
            from graph.mentions import install_schema

            with self.store.transaction() as conn:
                install_schema(conn)
        self._kg = None
        self._search_engine = None
        self._engine_lock = threading.Lock()

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
        from fieldnotes.pipeline import ingest_candidates
        from ingest.walk import iter_files

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
        self.rebuild_graph(only_if_stale=True)

    def rebuild_graph(self, *, only_if_stale: bool = False):  # type: ignore[no-untyped-def]
        """Rebuild the knowledge graph from the store, the curation file and the schemes.

        Returns:
            The build report, or ``None`` when ``only_if_stale`` and nothing changed.
        """
        from graph.kg import rebuild

        if only_if_stale and not self._graph_stale():
            return None
        report = rebuild(self.store.conn, self.home)
        self._kg = None
        return report

    def _graph_stale(self) -> bool:
        from fieldnotes.errors import StoreError
        from graph.kg import KG

        try:
            return KG(self.home, conn=self.store.conn).stale()
        except StoreError:
            return True

    def _hooks(self) -> Hooks:
        from fieldnotes.pipeline import Hooks
        from fieldnotes.prepare import Prepare
        from graph.mentions import put_mentions
        from ingest.parse import parse_file

        max_bytes = int(self.settings.max_file_mb * 1024 * 1024)

        def parse(path: Path, given: str) -> Document:
            return parse_file(path, given, max_bytes=max_bytes)

        def write_graph(conn, doc, found, spans) -> None:  # type: ignore[no-untyped-def]
            put_mentions(conn, doc.id, found, spans)

        engine = self.search_engine
        return Hooks(
            parse=parse,
            prepare=Prepare(
                self.settings.chunk_tokens,
                self.settings.chunk_overlap_sentences,
                model=engine.model if engine.model.startswith("static") else None,
            ),
            embed=engine.embed_passages,
            write_search=engine.write,
            write_graph=write_graph,
        )

    # -- search ----------------------------------------------------------------------

    @property
    def search_engine(self):  # type: ignore[no-untyped-def]
        """The search side of this home folder (:class:`search.engine.SearchEngine`),
        made on first use, once even when threads ask at once (the explorer's
        warm-up and a page's first search; ``cached_property`` is not locked
        from Python 3.12 on, and the engine it threw away could be the loaded one)."""
        engine = self._search_engine
        if engine is None:
            from search.engine import SearchEngine

            with self._engine_lock:
                if self._search_engine is None:
                    self._search_engine = SearchEngine.open(
                        self.store.conn, self.home, self.settings, readonly=self.readonly
                    )
                engine = self._search_engine
        return engine

    def search(
        self,
        query: str,
        k: int = 10,
        mode: str | None = None,
        *,
        areas: Sequence[str] = (),
        practices: Sequence[str] = (),
        actors: Sequence[str] = (),
    ) -> list[Hit]:
        """Passages that answer ``query`` (Thai or English), best first.

        Args:
            query: the question or keywords, e.g. ``"ใครทำสัจจะลดรายจ่ายวันละ 1 บาท"``.
            k: how many passages.
            mode: ``hybrid`` (default), ``bm25`` or ``dense``.
            areas: keep notes that mention one of these areas (IRIs or DOPA
                codes; a province includes its districts and subdistricts).
            practices: keep notes that mention one of these practices (narrower included).
            actors: keep notes that mention one of these actors (IRIs).
        """
        from fieldnotes.browse import docs_mentioning

        allowed = docs_mentioning(
            self.store.conn, self._graph_or_none(), areas=areas, practices=practices, actors=actors
        )
        if allowed is None:
            return self.search_engine.search(self.store.conn, query, k=k, mode=mode)
        if not allowed:
            return []
        # Filters are selective: ask for more and keep the passages of allowed notes.
        wide = self.search_engine.search(
            self.store.conn, query, k=max(k * 20, 200), mode=mode
        )
        return [h for h in wide if h.doc_id in allowed][:k]

    def expansion(self, query: str):  # type: ignore[no-untyped-def]
        """The practices ``query`` names and the Thai labels its BM25 ranking adds
        (:class:`graph.expansion.Expansion`), e.g. ``"community bank"`` → ธนาคารชุมชน,
        สถาบันการเงินชุมชน, … Empty when ``Settings.query_expansion`` is off."""
        return self.search_engine.expansion(query)

    def similar(self, doc_ref: str, k: int = 5) -> list[SimilarDoc]:
        """The notes most similar to a note (by id or source path), itself excluded.

        Each result says why: the labels of the actors, areas and practices both share.
        """
        from dataclasses import replace

        from graph.queries import shared_entities

        doc = self.store.document(doc_ref)
        found = self.search_engine.similar(self.store.conn, doc.id, k=k)
        kg = self._graph_or_none()
        if kg is None:
            return found
        return [
            replace(s, shared=tuple(e.label for e in shared_entities(kg, doc.id, s.doc_id)))
            for s in found
        ]

    def check(self, repair: bool = False) -> dict[str, object]:
        """Verify that the store, the search indexes and the graph agree; optionally repair.

        Returns:
            ``{"store": {...}, "search": {...}, "graph": {...}, "ok": bool}``.
        """
        store = self.store.integrity()
        store_ok = bool(store["sqlite_ok"]) and not any(
            v for k, v in store.items() if k not in ("sqlite_ok", "documents")
        )
        search = self.search_engine.check(self.store.conn, repair=repair)
        stale = self._graph_stale()
        if stale and repair:
            self.rebuild_graph()
            stale = self._graph_stale()
        graph = {"stale": stale, "ok": not stale}
        return {
            "store": store | {"ok": store_ok},
            "search": search,
            "graph": graph,
            "ok": store_ok and bool(search["ok"]) and not stale,
        }

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
        with self.store.snapshot():  # an ingest may commit between the two reads
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

    def ingest_upload(
        self,
        name: str,
        data: bytes,
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> IngestReport:
        """Save an uploaded file in ``<home>/uploads`` and ingest it.

        The name is reduced to a safe base name (no folders, so it can never
        escape the home folder); size and type are limited.

        Raises:
            InputError: empty, too large, or of a type that cannot be read.
        """
        from ingest.uploads import save_upload

        target = save_upload(
            self.home / "uploads",
            name,
            data,
            max_bytes=int(self.settings.upload_max_mb * 1024 * 1024),
        )
        return self.ingest([target], progress=progress)

    def curate(self, action: dict[str, str]) -> None:
        """Record a correction (merge, split, rename, retype) and rebuild the graph.

        Corrections live in ``<home>/curation.json`` and are replayed on every
        rebuild, so they survive re-ingest.
        """
        from graph.curation import FILE_NAME, Curation, CurationAction

        cur = Curation.load(self.home / FILE_NAME)
        cur.add(CurationAction.from_json(action))
        cur.save()
        self.rebuild_graph()

    def close(self) -> None:
        """Release the database connection of this thread."""
        self.store.close()

