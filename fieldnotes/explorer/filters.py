"""The search filters: areas (province → district → subdistrict), practices, actors.

Only what the knowledge base holds is offered: areas that notes mention (with
the number of notes), practices and the most mentioned actors.

Example:
    >>> opts = filter_options(kb)
    >>> area_filter(opts.provinces[0].iri)        # the ``areas=`` of kb.search
    ('https://w3id.org/fieldnotes/id/area/80',)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import streamlit as st

from fieldnotes.explorer.labels import LEVEL_LABELS, bi

__all__ = [
    "AreaOption",
    "FilterOptions",
    "filter_options",
    "area_children",
    "area_filter",
    "area_path",
    "filter_widgets",
]


@dataclass(frozen=True)
class AreaOption:
    """An area that notes mention, for the drill-down filter."""

    iri: str
    label: str
    kind: str
    parent: str | None
    notes: int


@dataclass(frozen=True)
class FilterOptions:
    """Everything the filters can offer, from what the knowledge base holds.

    Attributes:
        provinces: provinces mentioned by notes, most notes first.
        districts: districts mentioned (``parent`` is the province IRI).
        subdistricts: subdistricts mentioned (``parent`` is the district IRI).
        practices: ``(iri, label)`` of practices, most mentioned first.
        actors: ``(iri, label)`` of actors, most mentioned first (capped).
    """

    provinces: tuple[AreaOption, ...]
    districts: tuple[AreaOption, ...]
    subdistricts: tuple[AreaOption, ...]
    practices: tuple[tuple[str, str], ...]
    actors: tuple[tuple[str, str], ...]


def _areas(kb: Any, level: str) -> tuple[AreaOption, ...]:
    rows = kb.area_counts(level=level)
    opts = [
        AreaOption(r["iri"], r["label"], r.get("kind", level), r.get("parent"), int(r.get("notes") or 0))
        for r in rows
        if int(r.get("notes") or 0) > 0
    ]
    return tuple(sorted(opts, key=lambda a: (-a.notes, a.label)))


def filter_options(kb: Any, *, max_actors: int = 1000) -> FilterOptions:
    """The filter choices: areas by level, practices and the most mentioned actors.

    Args:
        kb: the knowledge base.
        max_actors: cap on actors offered (the 7,941-note corpus has thousands).
    """
    practices = sorted(kb.entities("practice"), key=lambda e: (-(e.mentions or 0), e.label))
    actors = sorted(kb.entities("actor"), key=lambda e: (-(e.mentions or 0), e.label))[:max_actors]
    return FilterOptions(
        provinces=_areas(kb, "province"),
        districts=_areas(kb, "district"),
        subdistricts=_areas(kb, "subdistrict"),
        practices=tuple((e.iri, e.label) for e in practices),
        actors=tuple((e.iri, e.label) for e in actors),
    )


def area_children(options: Sequence[AreaOption], parent: str | None) -> list[AreaOption]:
    """The areas of a level that lie in ``parent`` (all of them when ``parent`` is None)."""
    if parent is None:
        return list(options)
    return [a for a in options if a.parent == parent]


def area_filter(
    province: str | None, district: str | None = None, subdistrict: str | None = None
) -> tuple[str, ...]:
    """The ``areas=`` argument for ``kb.search``: the most specific area chosen.

    A province includes its districts and subdistricts (the facade expands it),
    so only the deepest choice is passed.
    """
    for iri in (subdistrict, district, province):
        if iri:
            return (iri,)
    return ()


def area_path(options: FilterOptions, iri: str) -> tuple[str | None, str | None, str | None]:
    """``(province, district, subdistrict)`` IRIs that lead to area ``iri`` in the filters.

    Used when a link asks for a search in one area (``?page=search&area=…``):
    the three drop-downs are set to the area and the areas above it.
    """
    by_iri = {a.iri: (lvl, a) for lvl, opts in (("province", options.provinces),
                                                 ("district", options.districts),
                                                 ("subdistrict", options.subdistricts)) for a in opts}
    path: dict[str, str] = {}
    cur: str | None = iri
    while cur in by_iri:
        lvl, area = by_iri[cur]
        path[lvl] = area.iri
        cur = area.parent
    return path.get("province"), path.get("district"), path.get("subdistrict")


def filter_widgets(opts: FilterOptions) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Draw the filter drop-downs; returns ``(areas, practices, actors)`` for ``kb.search``."""
    names = {a.iri: a.label for a in (*opts.provinces, *opts.districts, *opts.subdistricts)}
    c1, c2, c3 = st.columns(3)
    prov = c1.selectbox(
        LEVEL_LABELS["province"],
        [None, *[a.iri for a in opts.provinces]],
        format_func=lambda i: bi("ทุกจังหวัด", "all") if i is None else names.get(i, i),
        key="s_prov",
    )
    dist_opts = area_children(opts.districts, prov) if prov else []
    dist = c2.selectbox(
        LEVEL_LABELS["district"],
        [None, *[a.iri for a in dist_opts]],
        format_func=lambda i: bi("ทุกอำเภอ", "all") if i is None else names.get(i, i),
        key="s_dist",
        disabled=not dist_opts,
    )
    sub_opts = area_children(opts.subdistricts, dist) if dist else []
    sub = c3.selectbox(
        LEVEL_LABELS["subdistrict"],
        [None, *[a.iri for a in sub_opts]],
        format_func=lambda i: bi("ทุกตำบล", "all") if i is None else names.get(i, i),
        key="s_sub",
        disabled=not sub_opts,
    )
    p_names = dict(opts.practices)
    a_names = dict(opts.actors)
    c4, c5 = st.columns(2)
    practices = c4.multiselect(
        bi("ประเด็นงาน", "Practice"), list(p_names), format_func=lambda i: p_names.get(i, i), key="s_prac"
    )
    actors = c5.multiselect(
        bi("ผู้กระทำ", "Actor"), list(a_names), format_func=lambda i: a_names.get(i, i), key="s_act"
    )
    return area_filter(prov, dist, sub), tuple(practices), tuple(actors)
