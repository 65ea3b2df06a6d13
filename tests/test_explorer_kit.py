"""Shared fixtures of the explorer tests: the real facade over the seed corpus.

``explorer_home`` is a home folder ingested from ``corpus/`` (the five GotoKnow
seed posts) through ``fieldnotes.kb.KnowledgeBase``, once per test run: the
embedding of the passages is the slow part, so every explorer test module
shares it read-only, and tests that write (curation, upload) work on a copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

__all__ = ["ROOT", "CORPUS", "DATA", "make_kb", "copy_home", "explorer_home"]

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DATA = Path(__file__).resolve().parent / "data"

_SHARED: dict[str, Path] = {}


def make_kb(home: Path) -> Any:
    """The knowledge base in ``home``, ingested from corpus/ if it is empty.

    A new home is embedded with the fast model (see tests/conftest.py); the
    home folder remembers its model, so the app opened on it later uses it too.
    """
    from fieldnotes.kb import KnowledgeBase
    from fieldnotes.settings import Settings
    from tests.conftest import fast_model

    kb = KnowledgeBase(settings=Settings.from_env(home=home, model=fast_model()))
    if kb.stats().get("documents", 0) == 0:
        report = kb.ingest([CORPUS])
        if report.failed:
            raise AssertionError(f"the seed corpus did not ingest: {report.failed}")
    return kb


def copy_home(src: Path, dst: Path) -> Path:
    """A private copy of a home folder for a test that writes (curation, upload)."""
    shutil.copytree(src, dst, dirs_exist_ok=True)
    return dst


@pytest.fixture(scope="session")
def explorer_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home folder ingested from corpus/ once per test run (read-only use)."""
    if "home" not in _SHARED or not _SHARED["home"].exists():
        home = tmp_path_factory.mktemp("explorer_home")
        make_kb(home).close()
        _SHARED["home"] = home
    return _SHARED["home"]
