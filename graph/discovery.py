"""Discovered themes in the graph build: when to look for them, on what, and where they occur.

:func:`graph.themes.discover_themes` finds key phrases of a collection that the
curated scheme (``graph/data/practices.ttl``) lacks. A rebuild
(:func:`graph.rebuild.rebuild`) adds them to the graph as concepts of a separate
scheme (``id/scheme/discovered``), each marked ``fn:discovered true``, so they are
never mistaken for curated practices.

Two limits, set by measurement on thaigov releases (2 shared cores):

* **Enough notes** (:data:`MIN_DOCUMENTS`): a theme must recur in several notes
  and stand out against the others; on a handful of notes every repeated
  phrase would do. Below the threshold nothing is discovered.
* **Bounded time** (:data:`MAX_DOCUMENTS`, :data:`MAX_CHARS`): discovery reads a
  fixed, evenly spread sample of the notes, each cut to its first
  :data:`MAX_CHARS` characters (the title and lead say what a note is about).
  Whole notes cost 8.2 s of CPU for 300 releases (2.2 M characters); the sample
  keeps it a small, fixed share of a rebuild however large the corpus.

Example:
    >>> themes = themes_for(conn, scheme_path)          # doctest: +SKIP
    >>> [(t.label, t.discovered) for t in themes][:1]   # doctest: +SKIP
    [('ภาคีเครือข่าย', True)]
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Sequence

from fieldnotes.errors import FieldnotesError
from graph.resolve import ConceptInfo

__all__ = ["MIN_DOCUMENTS", "MAX_DOCUMENTS", "MAX_CHARS", "TOP_N", "themes_for", "as_concept",
           "theme_passages"]

#: Fewest stored notes for which themes are discovered.
MIN_DOCUMENTS = 20
#: Most notes read (an evenly spread sample, by document id, when there are more).
MAX_DOCUMENTS = 120
#: Characters read from the start of each note.
MAX_CHARS = 3000
#: Themes added to the graph.
TOP_N = 20


def themes_for(conn: sqlite3.Connection, scheme_path: Path | None = None) -> list[Any]:
    """The discovered themes of the stored notes, or none when there are too few.

    Args:
        conn: the store's connection (``documents`` table).
        scheme_path: the curated scheme whose labels are not themes (default: the
            shipped one; a scheme that does not load gives no themes rather than
            themes that may duplicate it).

    Returns:
        :class:`graph.themes.DiscoveredTheme` objects, best first (empty below
        :data:`MIN_DOCUMENTS` notes).
    """
    (n,) = conn.execute("SELECT count(*) FROM documents").fetchone()
    if n < MIN_DOCUMENTS:
        return []
    from graph.practices import load_scheme
    from graph.themes import discover_themes

    try:
        scheme = load_scheme(scheme_path)
    except FieldnotesError:
        return []
    themes = discover_themes(_sample(conn, int(n)), scheme, top_n=2 * TOP_N)
    people = _people(conn)
    # A family name the name lists lack (จุลเจริญ of นายสุทธิพงษ์ จุลเจริญ) recurs
    # like a theme; the people the extractor found say it is a name.
    return [t for t in themes if not any(t.label in p for p in people)][:TOP_N]


def _people(conn: sqlite3.Connection) -> list[str]:
    try:
        rows = conn.execute(
            "SELECT DISTINCT label FROM mentions WHERE type = 'actor' AND kind = 'person'")
        return [r[0] for r in rows]
    except sqlite3.Error:  # a store without the graph's table: no names to exclude
        return []


def _sample(conn: sqlite3.Connection, n: int) -> list[str]:
    # Every k-th note by id: ids are content hashes, so this is an even spread
    # that does not change when unrelated notes are added at the end.
    step = max(1, -(-n // MAX_DOCUMENTS))
    ids = [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")][::step]
    ids = ids[:MAX_DOCUMENTS]
    texts: dict[str, str] = {}
    for i in range(0, len(ids), 500):  # SQLite's limit on bound parameters
        part = ids[i:i + 500]
        marks = ",".join("?" * len(part))
        texts.update(conn.execute(
            f"SELECT id, substr(text, 1, ?) FROM documents WHERE id IN ({marks})",
            (MAX_CHARS, *part)))
    return [texts[i] for i in ids]


def as_concept(theme: Any) -> ConceptInfo:
    """A :class:`graph.themes.DiscoveredTheme` (or a ConceptInfo) as a discovered concept."""
    if isinstance(theme, ConceptInfo):
        return theme
    return ConceptInfo(theme.key, theme.iri, theme.label, None, (), True)


def theme_passages(
    conn: sqlite3.Connection, themes: Sequence[ConceptInfo]
) -> dict[tuple[str, int], list[str]]:
    """Passages whose text holds a discovered theme's label (they have no stored mentions).

    Returns:
        ``(doc_id, chunk index) -> [theme IRI, …]``.
    """
    out: dict[tuple[str, int], list[str]] = {}
    if not themes:
        return out
    for doc_id, idx, text in conn.execute("SELECT doc_id, idx, text FROM chunks"):
        hits = [t.iri for t in themes if t.label and t.label in text]
        if hits:
            out[(doc_id, int(idx))] = hits
    return out
