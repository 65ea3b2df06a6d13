"""What is done to one parsed document before it is written: passages, index terms, mentions.

This work is a pure function of the document, so the ingest pipeline can run
it in worker processes while the main process embeds and writes (see
:mod:`fieldnotes.pipeline`). On the thaigov corpus it is most of the CPU time
of an ingest (entity extraction alone is ~9 s per million characters), and
two cores halve it.

:class:`Prepare` is a frozen dataclass of plain settings, so it pickles; each
worker loads the tokeniser, gazetteer and tagger once, on its first document.
"""

from __future__ import annotations

import logging
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Sequence

from ingest.models import Chunk, Document

__all__ = ["Prepare", "Prepared", "Preparer", "auto_workers"]

log = logging.getLogger("fieldnotes.ingest")

# Below this many files a pool costs more than it saves: starting a worker
# (imports, tokeniser, tagger) takes 2–4 s, extraction ~10 ms per note.
PARALLEL_MIN_FILES = 200


@dataclass(frozen=True)
class Prepared:
    """One document made ready for writing.

    Attributes:
        chunks: its passages.
        terms: index terms of each passage (the one Thai tokeniser).
        mentions: entity mentions (offsets into ``Document.text``).
        error: why preparing failed (then the other fields are empty).
        seconds: time spent chunking, tokenising, extracting and embedding (in the worker).
        vectors: passage vectors when the worker embeds (static models), else ``None``.
    """

    chunks: tuple[Chunk, ...] = ()
    terms: tuple[tuple[str, ...], ...] = ()
    mentions: tuple[object, ...] = ()
    error: str | None = None
    seconds: tuple[float, ...] = ()
    vectors: object = None


@dataclass(frozen=True)
class Prepare:
    """Chunk, tokenise and extract one document; picklable for worker processes.

    Args:
        chunk_tokens: passage budget in model tokens (``Settings.chunk_tokens``).
        overlap_sentences: sentences repeated across a cut.
        graph: extract entity mentions (the knowledge graph's input).
        model: a static model spec (``"static"``, ``"static:<path>"``) to embed
            with in the worker — a static model costs what its tokenising
            costs, so it belongs with the other per-document work; ``None``
            leaves embedding to the pipeline (transformers batch better there).
    """

    chunk_tokens: int = 400
    overlap_sentences: int = 1
    graph: bool = True
    model: str | None = None

    def __call__(self, doc: Document) -> Prepared:
        from graph.extract import extract_document
        from ingest.chunk import chunk_document
        from ingest.tokens import terms

        try:
            t0 = time.perf_counter()
            chunks = chunk_document(
                doc, max_tokens=self.chunk_tokens, overlap_sentences=self.overlap_sentences
            )
            t1 = time.perf_counter()
            index_terms = tuple(tuple(terms(c.text)) for c in chunks)
            t2 = time.perf_counter()
            found = extract_document(doc) if self.graph else []
            t3 = time.perf_counter()
            vectors = None
            if self.model is not None and chunks:
                from search.embed import load_embedder  # one per process (its own cache)

                vectors = load_embedder(self.model).embed_passages([c.text for c in chunks])
            t4 = time.perf_counter()
            return Prepared(
                tuple(chunks), index_terms, tuple(found), None,
                (t1 - t0, t2 - t1, t3 - t2, t4 - t3), vectors,
            )
        except Exception as exc:  # a bug on one note must not stop a run of thousands
            log.exception("unexpected error preparing %s", doc.source)
            return Prepared(error=f"internal error while indexing ({type(exc).__name__}: {exc})")

    def many(self, docs: Sequence[Document]) -> list[Prepared]:
        """:meth:`__call__` over a batch (one round trip to a worker)."""
        return [self(d) for d in docs]


def auto_workers(requested: int, n_files: int) -> int:
    """Worker processes for a run: ``requested`` if set, else all cores for big runs.

    Args:
        requested: ``Settings.workers`` (0 = choose).
        n_files: files in the run.
    """
    if requested > 0:
        return requested
    return (os.cpu_count() or 1) if n_files >= PARALLEL_MIN_FILES else 1


def _watch_parent(parent: int) -> None:
    # A worker whose ingest was killed (SIGKILL, OOM) would otherwise wait on
    # its queue forever, holding its memory: leave as soon as the parent is gone.
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def _warm(prepare: Prepare, parent: int) -> None:
    import threading

    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    # Load the tokeniser, gazetteer and tagger before the first real batch.
    from ingest.parse import parse

    prepare(parse("ประชุมเครือข่ายกองทุนหมู่บ้าน ต.กะหรอ อ.นบพิตำ", "warm.txt"))


class Preparer:
    """Runs :class:`Prepare` in this process or in a pool of worker processes.

    Use as a context manager; :meth:`submit` returns a future either way, so the
    pipeline has one code path.
    """

    def __init__(self, prepare: Prepare, workers: int) -> None:
        self.prepare = prepare
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "Preparer":
        if self.workers > 1:
            import multiprocessing

            # spawn, not fork: the main process may hold threads (FAISS, the
            # embedding engine, SQLite) whose locks a forked child would inherit.
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm,
                initargs=(self.prepare, os.getpid()),
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def submit(self, docs: Sequence[Document]) -> Future[list[Prepared]]:
        """Prepare a batch; the future holds one :class:`Prepared` per document."""
        if self._pool is not None:
            return self._pool.submit(self.prepare.many, list(docs))
        done: Future[list[Prepared]] = Future()
        done.set_result(self.prepare.many(docs))
        return done
