"""Search: embeddings, FAISS, Thai BM25, hybrid ranking and similar cases."""

from __future__ import annotations

from search.models import Hit, SimilarDoc

__all__ = ["Hit", "SimilarDoc"]
