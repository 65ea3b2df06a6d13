"""Find the areas a Thai note names: regions, provinces, districts, subdistricts, villages.

Names are looked up in the geothai gazetteer (:mod:`graph.gazetteer`) only
where the text says what they are: after ต./ตำบล/แขวง, อ./อำเภอ/กิ่งอ./เขต,
จ./จังหวัด, or as a bare province name. Bare district and subdistrict names are
never tagged: too many are ordinary words (สังคม, ชนบท, ท่าเรือ). Province names
that are ordinary words (เลย, ตาก, แพร่, น่าน) need จ./จังหวัด or a district of
that province right before them, and อ. (which also means อาจารย์) counts as
อำเภอ only before a real district, never before a Bangkok one nor, outside an
address, before a name that is also a first name.

An address phrase (``ต.น้ำขาว อ.จะนะ จ.สงขลา``; also a list of subdistricts
followed by one district) is resolved as a unit: each name keeps only the
codes consistent with the district and province written next to it. A name
still ambiguous then is narrowed by the districts and provinces resolved in the
same paragraph, or by the code the same name got elsewhere in the note, and
otherwise left unresolved (``key=None``): the extractor never guesses (regions
are not used: groupings differ between organisations). An old address whose
subdistrict has since moved to a new district (ต.กะหรอ อ.ท่าศาลา, before นบพิตำ
was split off) resolves through geothai's abolished areas to the current code.

The names and the codes each may mean are found by :mod:`graph.area_scan`;
this module settles the codes and keeps the names that stand as places.

Example:
    >>> [(m.label, m.kind, m.key) for m in find_areas("ต.น้ำขาว อ.จะนะ จ.สงขลา")]
    [('ต.น้ำขาว', 'subdistrict', '900307'), ('อ.จะนะ', 'district', '9003'), ('จ.สงขลา', 'province', '90')]
"""

from __future__ import annotations

import re
from bisect import bisect_left

from graph.area_scan import _Cand, _scan
from graph.gazetteer import (
    REGIONS,
    Area,
    all_provinces,
    area,
    areas_under,
    name_index,
)
from graph.models import Mention

__all__ = ["find_areas", "Area", "REGIONS", "area", "areas_under", "all_provinces"]

# What may stand between two parts of one address: spaces, commas, list
# numbers "2)", "และ". A newline ends an address.
_GAP = re.compile(
    r"[ \t\u00a0,;/()\-–.:]*(?:(?:\d{1,2}|[๐-๙]{1,2})[.)][ \t\u00a0]*)?"
    r"(?:(?:และ|หรือ|กับ)[ \t\u00a0]*)?"
)
_MAX_GAP = 16
_LEVEL_RANK = {"village": 0, "subdistrict": 1, "district": 2, "province": 3}


def _phrases(text: str, cands: list[_Cand]) -> list[list[_Cand]]:
    """Group consecutive names that form one address (regions stand alone)."""
    out: list[list[_Cand]] = []
    for c in cands:
        prev = out[-1][-1] if out else None
        if (
            prev is not None and c.level != "region" and prev.level != "region"
            and c.start - prev.end <= _MAX_GAP
            and _GAP.fullmatch(text, prev.end, c.start)
        ):
            out[-1].append(c)
        else:
            out.append([c])
    return out


def _governors(phrase: list[_Cand]) -> None:
    """Link each name to the next larger area written after it (else the nearest before)."""
    for i, c in enumerate(phrase):
        rank = _LEVEL_RANK.get(c.level, 9)
        for level, r in _LEVEL_RANK.items():
            if r <= rank:
                continue
            after = next((o for o in phrase[i + 1:] if o.level == level), None)
            before = next((o for o in reversed(phrase[:i]) if o.level == level), None)
            if after or before:
                c.gov[level] = after or before  # type: ignore[assignment]


def _fits(code: str, other: str) -> bool:
    """True when one code lies inside the other (or they are the same area)."""
    return code.startswith(other) or other.startswith(code)


def _resolve_phrase(phrase: list[_Cand]) -> None:
    idx = name_index()
    _governors(phrase)
    skip: set[tuple[int, int]] = set()
    for c in phrase:
        d = c.gov.get("district")
        if c.level == "subdistrict" and d and d.codes and not any(
            x[:4] in d.codes for x in c.codes
        ):
            moved = {s for old, succ in idx.abolished.get(c.key, ()) if old[:4] in d.codes
                     for s in succ}
            if moved:
                c.codes = moved
                skip.add((id(c), id(d)))
    changed = True
    while changed:
        changed = False
        for c in phrase:
            for g in c.gov.values():
                if (id(c), id(g)) in skip or not c.codes or not g.codes or c.level == "village":
                    continue
                for a, b in ((c, g), (g, c)):
                    kept = {x for x in a.codes if any(_fits(x, y) for y in b.codes)}
                    if kept and kept != a.codes:
                        a.codes, changed = kept, True


def _keep(phrase: list[_Cand], c: _Cand) -> bool:
    if c.level == "village":
        return "subdistrict" in c.gov
    if c.weak:  # เลย/ตาก/แพร่/น่าน bare: only right after a place inside that province
        return any(o is not c and o.level in ("district", "subdistrict") and o.end <= c.start
                   and any(x[:2] in c.codes for x in o.codes) for o in phrase)
    return not (c.lonely and len(phrase) == 1)


def _paragraph_context(text: str, kept: list[_Cand]) -> None:
    """Narrow names still ambiguous by the areas resolved in the same paragraph."""
    breaks = [m.start() for m in re.finditer("\n", text)]
    para = {id(c): bisect_left(breaks, c.start) for c in kept}
    for c in kept:
        if len(c.codes) <= 1 or c.level == "region":
            continue
        known = {x for o in kept if o is not c and para[id(o)] == para[id(c)]
                 and len(o.codes) == 1 and o.level != "region" for x in o.codes}
        for width in (4, 2):  # the same district first, then the same province
            here = {k[:width] for k in known if len(k) >= width}
            narrowed = {x for x in c.codes if x[:width] in here and len(x) > width}
            if len(narrowed) == 1:
                c.codes = narrowed
                break


def _same_document(kept: list[_Cand]) -> None:
    """One sense per note: a name left ambiguous takes the code it got elsewhere in the note."""
    settled: dict[tuple[str, str], set[str]] = {}
    for c in kept:
        if len(c.codes) == 1 and c.key:
            settled.setdefault((c.level, c.key), set()).update(c.codes)
    for c in kept:
        seen = settled.get((c.level, c.key), set())
        if len(c.codes) > 1 and len(seen) == 1 and seen <= c.codes:
            c.codes = set(seen)


def find_areas(text: str) -> list[Mention]:
    """Areas named in ``text``, with DOPA codes where the text settles them.

    Args:
        text: any Thai text; offsets in the result point into it as given.

    Returns:
        Mentions of type ``area``, sorted by start. ``kind`` is ``region``,
        ``province``, ``district``, ``subdistrict`` or ``village``; ``key`` is
        the DOPA code (``"80"``, ``"8001"``, ``"800119"``; a village is its
        subdistrict code and two-digit หมู่ number, ``"90030703"``), a region id
        (``"region:south"``), or ``None`` when the name fits several areas and
        nothing nearby tells which.

    Example:
        >>> [m.key for m in find_areas("ตำบลมะม่วง 2 ต้น อำเภอเมือง จังหวัดนครศรีธรรมราช")]
        ['800114', '8001', '80']
    """
    if not text:
        return []
    kept: list[_Cand] = []
    for phrase in _phrases(text, _scan(text)):
        if phrase[0].level != "region":
            _resolve_phrase(phrase)
        kept.extend(c for c in phrase if _keep(phrase, c))
    _paragraph_context(text, kept)
    _same_document(kept)
    for c in kept:
        sub = c.gov.get("subdistrict") if c.level == "village" else None
        if sub is not None and len(sub.codes) == 1:
            c.codes = {f"{next(iter(sub.codes))}{c.moo:02d}"}
    return [
        Mention(c.start, c.end, text[c.start:c.end], "area", c.level,
                next(iter(c.codes)) if len(c.codes) == 1 else None, "gazetteer")
        for c in kept
    ]
