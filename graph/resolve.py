"""Entity resolution: stored mentions -> one entity (one IRI) per real actor, area or practice.

Rules:

- **Actors** are grouped by the normalised canonical name (the mention's
  ``key``, else its surface; see :func:`graph.names.match_key`): NFC, Thai
  digits as Arabic, lower case, without spaces, dots and ``ฯ``; people without
  their titles (นาย, นางสาว, รศ.ดร. …); ``ม.<name>`` read as ``มหาวิทยาลัย<name>``. Known acronym pairs
  (``alias_pairs``) map an alias to its full name, so พอช. and
  สถาบันพัฒนาองค์กรชุมชน become one entity that keeps both labels.
- **Areas** are keyed by DOPA code (``id/area/900307``); every ancestor
  (district, province) is added so the ``containedInPlace`` chain is complete.
  An area mention with no key (an ambiguous name such as หนองสาหร่าย) becomes
  **no entity**: guessing a place is worse than leaving it out, as the issue
  says. It stays in the store, and a curation ``merge`` from its surface to an
  area pins it.
- **Practices** are keyed by concept id; the IRI is the scheme's concept IRI.

The curation file (:mod:`graph.curation`) is replayed last, in order, on every
resolution, so corrections survive re-ingest. IRIs derive from keys, never
from counters, so they are stable across rebuilds.

The pieces: :mod:`graph.resolution` (the facts it reads and the result it
gives), :mod:`graph.drafts` (entities under construction), :mod:`graph.replay`
(the curation replay and the finished entities); this module groups the mentions.

Example:
    >>> entities, by_mention = resolve(rows, Curation.load(home / "curation.json"))
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping

from graph.curation import Curation
from graph.drafts import Draft, new_draft
from graph.mentions import MentionRow
from graph.names import match_key
from graph.replay import Replay
from graph.resolution import AreaInfo, ConceptInfo, Resolution

__all__ = [
    "AreaInfo",
    "ConceptInfo",
    "Resolution",
    "resolve",
]


def resolve(
    rows: Iterable[MentionRow],
    curation: Curation | None = None,
    *,
    doc_sources: Mapping[str, str] | None = None,
    areas: Callable[[str], AreaInfo | None] | None = None,
    concepts: Callable[[str], ConceptInfo | None] | None = None,
    alias_pairs: Iterable[tuple[str, str]] = (),
) -> Resolution:
    """Resolve stored mentions to entities, then replay the curation.

    Args:
        rows: stored mentions (``graph.mentions.iter_mentions``).
        curation: corrections to replay in order (default none).
        doc_sources: ``doc_id -> source path`` for :attr:`Entity.docs` (default: the ids).
        areas: gazetteer lookup by code (labels, parents, coordinates).
        concepts: scheme lookup by concept id (IRI, labels, broader).
        alias_pairs: ``(alias, full name)`` pairs, e.g. ``("พอช.", "สถาบันพัฒนาองค์กรชุมชน")``.

    Returns:
        The entities and the mention -> entity map (see :class:`Resolution`).
    """
    aliases = {match_key(a, kind="organisation"): match_key(f, kind="organisation")
               for a, f in alias_pairs}
    drafts: dict[tuple[str, str], Draft] = {}
    unresolved: dict[str, list[MentionRow]] = {}
    for m in rows:
        if m.type == "area" and not m.key:
            unresolved.setdefault(match_key(m.label), []).append(m)
            continue
        group = _group_key(m, aliases)
        d = drafts.get(group)
        if d is None:
            d = drafts[group] = new_draft(m.type, group[1], areas, concepts)
        d.add((m,))
    state = Replay(drafts, unresolved, areas, concepts)
    for i, action in enumerate(curation.actions if curation else [], start=1):
        problem = state.apply(action)
        if problem:
            state.warnings.append(f"curation action {i} ({action.op}): {problem}")
    state.add_ancestors()
    return state.finish(doc_sources or {})


def _group_key(m: MentionRow, aliases: Mapping[str, str]) -> tuple[str, str]:
    if m.type == "area":
        return ("area", str(m.key))
    if m.type == "practice":
        return ("practice", m.key or match_key(m.label))
    norm = match_key(m.key or m.label, kind=m.kind)
    if m.kind != "person":
        norm = aliases.get(norm, norm)
        if m.key is None:
            norm = aliases.get(match_key(m.label, kind=m.kind), norm)
    return ("actor", norm)
