"""Shared test fixtures: the bundled seed corpus and the test data folder.

Keep this file small; fixtures used by one test module belong in that module.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Tests never download anything (PyThaiNLP corpora, Hugging Face models).
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The bundled demo corpus (the five GotoKnow seed posts)."""
    return CORPUS


@pytest.fixture(scope="session")
def seed_paths() -> dict[str, Path]:
    """Seed post files by their number: ``{"000": Path(...), ..., "004": ...}``."""
    return {p.name[:3]: p for p in sorted(CORPUS.glob("[0-9][0-9][0-9]_*.txt"))}


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """tests/data, where the small fixtures live."""
    return DATA


def fast_model() -> str:
    """The fastest embedding model available offline: the distilled static model
    when it has been built or shipped, else the bundled e5-small."""
    from search.static import default_static_path

    return "static" if default_static_path().exists() else "e5-small"
