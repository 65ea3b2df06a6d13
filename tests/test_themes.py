"""Tests of graph.themes (discovered themes) on the seed notes and thaigov news."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldnotes.errors import InputError
from graph.practices import discover_themes, load_scheme, match_form

ROOT = Path(__file__).resolve().parents[1]
THAIGOV = Path("/work/shared/corpora/thaigov-community")


@pytest.fixture(scope="module")
def seeds() -> list[str]:
    return [p.read_text("utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]


def test_seed_themes_are_new_phrases_marked_discovered(seeds: list[str]) -> None:
    themes = discover_themes(seeds, top_n=10)
    labels = [t.label for t in themes]
    # Both are in seeds 001 and 002 and in no label of the scheme.
    assert "ภาคีสนับสนุน" in labels and "ขบวนองค์กร" in labels
    scheme_forms = list(load_scheme()._by_label)
    for t in themes:
        assert t.discovered is True
        assert t.key.startswith("discovered-") and t.iri.endswith("/practice/" + t.key)
        assert len(t.docs) >= 2 and all(0 <= d < len(seeds) for d in t.docs)
        form = match_form(t.label)
        assert not any(form in s or s in form for s in scheme_forms), t.label
    # The GotoKnow page footer repeated in two seeds is not a theme.
    assert not any("กรุณาแจ้ง" in t.label for t in themes)


def test_deterministic(seeds: list[str]) -> None:
    assert discover_themes(seeds) == discover_themes(list(seeds))


@pytest.mark.skipif(not THAIGOV.is_dir(), reason="thaigov corpus not present")
def test_on_seeds_and_news_no_places_people_or_offices(seeds: list[str]) -> None:
    news = [p.read_text("utf-8") for p in sorted(THAIGOV.glob("*.txt"))[::400][:20]]
    themes = discover_themes(seeds + news, top_n=15)
    assert 0 < len(themes) <= 15
    assert [t.score for t in themes] == sorted((t.score for t in themes), reverse=True)
    for t in themes:
        assert not t.label.startswith(("รัฐมนตรี", "กระทรวง", "จังหวัด", "นาย"))
        assert len(t.docs) <= 0.5 * len(seeds + news)


def test_arguments_are_checked(seeds: list[str]) -> None:
    assert discover_themes([]) == []
    with pytest.raises(InputError, match="top_n"):
        discover_themes(seeds, top_n=0)
