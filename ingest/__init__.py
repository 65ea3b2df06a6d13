"""Ingest: bytes → text → Document → Chunks, and the SQLite store."""

from __future__ import annotations

from ingest.models import Chunk, Comment, Document, Section, Token

__all__ = ["Chunk", "Comment", "Document", "Section", "Token"]
