"""Notes and actors per area, rolled up to every area that contains it (for the map and filters).

Counting this from SPARQL at query time meant reading every ``fn:activeIn``
pair (138,761 on the thaigov corpus: 5 s per call) each time the explorer
drew a map or a filter; the rebuild knows the relations already, so it counts
once and writes ``area_stats.json`` beside ``entities.json``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Mapping

from graph.models import Entity

__all__ = ["area_stats", "FILE_NAME"]

FILE_NAME = "area_stats.json"


def area_stats(entities: Iterable[Entity], active_in: Iterable[tuple[str, str]]) -> dict[str, list[int]]:
    """``{area IRI: [notes, actors]}``: distinct notes and actors of the area and the areas inside it.

    Args:
        entities: every entity of the graph (areas carry ``docs`` and ``parent``).
        active_in: ``(actor IRI, area IRI)`` pairs (``fn:activeIn`` relations).

    Example:
        >>> area_stats([ต.กะหรอ (docs a, b; parent อ.นบพิตำ), อ.นบพิตำ], [(พอช., ต.กะหรอ)])
        {'…/800... กะหรอ': [2, 1], '…/8021 นบพิตำ': [2, 1]}  # doctest: +SKIP
    """
    areas: Mapping[str, Entity] = {e.iri: e for e in entities if e.type == "area"}
    actors_at: dict[str, set[str]] = defaultdict(set)
    for actor, area in active_in:
        actors_at[area].add(actor)
    notes: dict[str, set[str]] = defaultdict(set)
    actors: dict[str, set[str]] = defaultdict(set)
    for iri, e in areas.items():
        node: str | None = iri
        seen: set[str] = set()
        while node is not None and node in areas and node not in seen:
            seen.add(node)
            notes[node].update(e.docs)
            actors[node].update(actors_at.get(iri, ()))
            node = areas[node].parent
    return {iri: [len(notes[iri]), len(actors[iri])] for iri in areas}
