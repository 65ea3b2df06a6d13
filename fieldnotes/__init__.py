"""fieldnotes: a knowledge graph and semantic search over Thai field notes."""

from __future__ import annotations

from fieldnotes.errors import FieldnotesError
from fieldnotes.settings import Settings

__all__ = ["FieldnotesError", "Settings"]
__version__ = "0.1.0"
