"""The knowledge-graph half of the facade: entities, who works on what, the partner network.

:class:`GraphViews` is mixed into :class:`fieldnotes.kb.KnowledgeBase`; it
holds no state of its own, only thin methods over :mod:`graph.queries` and
:mod:`fieldnotes.browse`, so the CLI, the explorer and the tests reach the
graph through the same object as search.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from fieldnotes.errors import InputError
from graph.models import ENTITY_TYPES, Entity, Mention

if TYPE_CHECKING:
    from ingest.store import Store

__all__ = ["GraphViews"]

_KG_LOCK = threading.Lock()


class GraphViews:
    """Graph queries of a home folder (needs ``self.home``, ``self.store`` and ``self._kg``)."""

    home: Path
    store: "Store"
    _kg: object

    @property
    def kg(self):  # type: ignore[no-untyped-def]
        """The built knowledge graph (:class:`graph.kg.KG`); reopened when a rebuild replaced it.

        Another process (an ingest from the CLI while the explorer runs) may
        rebuild the graph and, two rebuilds later, delete the generation this
        object holds; so every access compares the live generation's name
        (one small file) with the one held.

        Raises:
            StoreError: nothing has been ingested yet.
        """
        from graph.kg import KG

        with _KG_LOCK:  # sessions and the warm-up thread ask at once: open it once
            if self._kg is not None and not self._kg.is_live():  # type: ignore[attr-defined]
                self._kg = None
            if self._kg is None:
                # The graph is shared by the explorer's threads; each call must use
                # its own thread's SQLite connection, so hand it a per-thread proxy.
                self._kg = KG(self.home, conn=_ThreadConn(self.store))  # type: ignore[arg-type]
            return self._kg

    def _graph_or_none(self):  # type: ignore[no-untyped-def]
        from fieldnotes.errors import StoreError

        try:
            return self.kg
        except StoreError:
            return None

    def doc_mentions(self, doc_id: str) -> list[tuple[Mention, str | None]]:
        """Every mention in a note, with the IRI of the entity it names."""
        from fieldnotes.browse import doc_mentions

        return doc_mentions(self.store.conn, self._graph_or_none(), doc_id)

    def linked(self, iri: str) -> list[tuple[Entity, int]]:
        """Entities tied to one by a relation, with the number of passages behind it."""
        from fieldnotes.browse import linked

        return linked(self.kg, iri)

    def area_counts(self, level: str = "province") -> list[dict[str, object]]:
        """Areas of a level with their numbers of notes and actors (for the map)."""
        from fieldnotes.browse import area_counts

        kg = self._graph_or_none()
        return [] if kg is None else area_counts(kg, level)

    def practice_tree(self) -> list[dict[str, object]]:
        """The practice scheme as a tree with note counts (curated, then discovered)."""
        from fieldnotes.browse import practice_tree

        kg = self._graph_or_none()
        return [] if kg is None else practice_tree(kg)

    def entities(self, type: str | None = None) -> list[Entity]:
        """Actors, areas and practices mentioned in the notes (``type`` filters)."""
        from graph.queries import entities

        if type is not None and type not in ENTITY_TYPES:
            raise InputError(f"unknown entity type {type!r}; use one of {', '.join(ENTITY_TYPES)}")
        return entities(self.kg, type)

    def entity(self, ref: str) -> Entity:
        """An entity by IRI, label or alias (e.g. ``"พอช."``)."""
        from graph.queries import entity

        return entity(self.kg, ref)

    def entity_mentions(self, ref: str, limit: int | None = 100) -> list:  # type: ignore[type-arg]
        """Where an entity is mentioned, with the passages."""
        from graph.queries import mentions_of_entity

        return mentions_of_entity(self.kg, ref, limit=limit)

    def who(self, theme: str, k: int = 20) -> list:  # type: ignore[type-arg]
        """Actors who work on a theme (narrower themes included), ranked, with evidence.

        Example:
            >>> [a.label for a in kb.who("กองทุนหมู่บ้าน")][:3]
        """
        from graph.queries import who

        return who(self.kg, theme, k)

    def themes_of(self, actor: str) -> list:  # type: ignore[type-arg]
        """The practices an actor works on, with evidence."""
        from graph.queries import themes_of

        return themes_of(self.kg, actor)

    def areas_of(self, actor: str) -> list:  # type: ignore[type-arg]
        """The areas an actor is active in, with evidence."""
        from graph.queries import areas_of

        return areas_of(self.kg, actor)

    def partners_of(self, actor: str) -> list:  # type: ignore[type-arg]
        """The actors an actor works with, with evidence."""
        from graph.queries import partners_of

        return partners_of(self.kg, actor)

    def network(
        self,
        top_n: int | None = 150,
        *,
        types: Sequence[str] = ("actor",),
        practice: str | None = None,
        area: str | None = None,
        community: int | None = None,
    ) -> dict[str, object]:
        """The partner network: nodes with centralities and community, weighted edges.

        Filters keep actors of some kinds, working on a practice, active in an
        area, or of one community; ``top_n`` keeps the most central (PageRank).
        """
        from fieldnotes.browse import network_view

        return network_view(
            self.kg, top_n=top_n, types=types, practice=practice, area=area, community=community
        )

    def neighbourhood(self, ref: str, depth: int = 1) -> dict[str, object]:
        """The part of the partner network around one actor."""
        return self.kg.network().neighbourhood(ref, depth)

    def path(self, a: str, b: str) -> list:  # type: ignore[type-arg]
        """The shortest chain of partners between two actors, with the passages on each edge.

        The explorer's default pair (IRIs) is answered from the view precomputed
        at rebuild, without reading the whole network; any other from the network.
        """
        from graph.queries import path

        kg = self.kg
        hops = kg.precomputed_path(a, b)
        return hops if hops is not None else path(kg, a, b)

    def sparql(self, query: str, bindings: dict[str, object] | None = None) -> list[dict[str, object]]:
        """Run SPARQL over the graph; user values go in ``bindings``, never into ``query``."""
        return self.kg.sparql(query, bindings)

    def export(self, fmt: str, out: str | os.PathLike[str]) -> Path:
        """Export the graph as ``ttl``, ``nq``, ``jsonld`` or ``graphml`` (Gephi)."""
        return self.kg.export(fmt, Path(out))


class _ThreadConn:
    """Looks like a ``sqlite3.Connection``; is the calling thread's connection of the store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getattr__(self, name: str) -> object:
        return getattr(self._store.conn, name)
