"""Thailand's areas: regions, provinces, districts and subdistricts with DOPA codes.

The administrative tree comes from ``geothai`` (DOPA codes; data CC BY 4.0),
the points for the map from ``graph/data/area_coords.csv`` (see
``graph.build_coords``), and the regions from the official six-region grouping
of the National Geographical Committee (คณะกรรมการภูมิศาสตร์แห่งชาติ, 1977):
north 9, northeast 20, central 22 (with Bangkok), east 7, west 5, south 14.
A province's ``parent`` is its region, so the map can drill down
region → province → district → subdistrict.

Example:
    >>> area("900307").name_th, area("900307").parent
    ('น้ำขาว', '9003')
    >>> area("region:northeast").name_th
    'ภาคตะวันออกเฉียงเหนือ'
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from fieldnotes.errors import NotFoundError

__all__ = [
    "Area",
    "Region",
    "REGIONS",
    "BANGKOK",
    "area",
    "areas_under",
    "all_provinces",
    "region_of",
    "name_key",
    "NameIndex",
    "name_index",
]

BANGKOK = "10"


@dataclass(frozen=True)
class Area:
    """One area with its place in the tree and, where known, a point for the map.

    Attributes:
        code: DOPA code (``"80"``, ``"8016"``, ``"800119"``) or a region id
            such as ``"region:south"``.
        kind: ``region``, ``province``, ``district`` or ``subdistrict``.
        name_th: official Thai name, e.g. ``"เมืองนครศรีธรรมราช"``.
        name_en: official romanised name.
        parent: code of the containing area (a province's parent is its region;
            a region has none).
        lat: latitude (WGS84) or ``None`` where the source has no point.
        lon: longitude or ``None``.
    """

    code: str
    kind: str
    name_th: str
    name_en: str
    parent: str | None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Region:
    """A region of the six-region grouping, with the names people write for it."""

    id: str
    name_th: str
    name_en: str
    provinces: tuple[str, ...]
    aliases: tuple[str, ...] = ()


def _codes(spec: str) -> tuple[str, ...]:
    return tuple(spec.split())


#: The six regions of the National Geographical Committee. ภาคอีสาน is an alias
#: of ภาคตะวันออกเฉียงเหนือ; ปักษ์ใต้ of ภาคใต้.
REGIONS: dict[str, Region] = {
    r.id: r
    for r in (
        Region("region:north", "ภาคเหนือ", "Northern Thailand",
               _codes("50 51 52 53 54 55 56 57 58")),
        Region("region:northeast", "ภาคตะวันออกเฉียงเหนือ", "Northeastern Thailand (Isan)",
               _codes("30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49"),
               ("ภาคอีสาน", "อีสาน")),
        Region("region:central", "ภาคกลาง", "Central Thailand",
               _codes("10 11 12 13 14 15 16 17 18 19 26 60 61 62 64 65 66 67 72 73 74 75")),
        Region("region:east", "ภาคตะวันออก", "Eastern Thailand",
               _codes("20 21 22 23 24 25 27")),
        Region("region:west", "ภาคตะวันตก", "Western Thailand", _codes("63 70 71 76 77")),
        Region("region:south", "ภาคใต้", "Southern Thailand",
               _codes("80 81 82 83 84 85 86 90 91 92 93 94 95 96"), ("ปักษ์ใต้",)),
    )
}

# Names people write for a province besides the official one. Kept short on
# purpose: each must be unambiguous and never an ordinary word.
_PROVINCE_ALIASES: dict[str, str] = {
    "กรุงเทพฯ": BANGKOK, "กรุงเทพ": BANGKOK, "กทม.": BANGKOK, "กทม": BANGKOK,
    "โคราช": "30", "อยุธยา": "14", "กรุงศรีอยุธยา": "14", "นครศรีฯ": "80",
    "สุราษฎร์": "84", "สุราษฎร์ฯ": "84", "อุบลฯ": "34", "อุดรฯ": "41",
    "ประจวบฯ": "77", "ประจวบ": "77",
}

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_NUMBER_WORDS = re.compile(r"(?:หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|ยี่|เอ็ด)+")
# A Thai character that cannot start a syllable: after a number word it means
# the "number" was part of another word (สามัคคี, สองแคว is fine).
_NOT_SYLLABLE_START = re.compile(r"[\u0E30-\u0E3A\u0E45\u0E47-\u0E4E]")
_THAI_LETTER = re.compile(r"[\u0E01-\u0E2E]")


def name_key(name: str) -> str:
    """The form names are compared in: Thai digits as Arabic, no spaces or hyphens.

    Example:
        >>> name_key("มะม่วง ๒ ต้น")
        'มะม่วง2ต้น'
    """
    return name.translate(_THAI_DIGITS).replace("\u0e4d\u0e32", "\u0e33").replace(
        " ", "").replace("-", "")


def _variants(name: str) -> set[str]:
    """Keys for a name: itself and the spelled numbers written as digits (สองต้น → 2ต้น)."""
    from pythainlp.util import thaiword_to_num

    keys = {name_key(name)}
    for m in _NUMBER_WORDS.finditer(name):
        after = name[m.end():m.end() + 1]
        if after and _NOT_SYLLABLE_START.match(after):
            continue
        try:
            number = thaiword_to_num(m.group())
        except ValueError:
            continue
        variant = name_key(name[:m.start()] + str(number) + name[m.end():])
        if _THAI_LETTER.search(variant):  # อำเภอสอง must not become "2"
            keys.add(variant)
    return keys


@lru_cache(maxsize=1)
def _coords() -> dict[str, tuple[float, float]]:
    text = resources.files("graph").joinpath("data/area_coords.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {r["code"]: (float(r["lat"]), float(r["lon"])) for r in rows}


@lru_cache(maxsize=1)
def _areas() -> dict[str, Area]:
    import geothai

    coords = _coords()
    region_of_province = {p: r.id for r in REGIONS.values() for p in r.provinces}
    out: dict[str, Area] = {}

    def add(code: str, kind: str, th: str, en: str, parent: str | None) -> None:
        lat, lon = coords.get(code, (None, None))
        out[code] = Area(code, kind, th, en, parent, lat, lon)

    for p in geothai.provinces():
        add(p.code, "province", p.name_th, p.name_en, region_of_province[p.code])
        for d in geothai.districts(p.code):
            add(d.code, "district", d.name_th, d.name_en, p.code)
            for s in geothai.subdistricts(d.code):
                add(s.code, "subdistrict", s.name_th, s.name_en, d.code)
    for r in REGIONS.values():
        pts = [coords[p] for p in r.provinces if p in coords]
        lat = sum(x for x, _ in pts) / len(pts) if pts else None
        lon = sum(y for _, y in pts) / len(pts) if pts else None
        out[r.id] = Area(r.id, "region", r.name_th, r.name_en, None, lat, lon)
    return out


@lru_cache(maxsize=1)
def _children() -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    for a in _areas().values():
        if a.parent is not None:
            grouped.setdefault(a.parent, []).append(a.code)
    return {k: tuple(sorted(v)) for k, v in grouped.items()}


def area(code: str) -> Area:
    """The area with this DOPA code or region id.

    Raises:
        NotFoundError: no current area has this code (an abolished code names
            its successors in the message).

    Example:
        >>> area("8001").name_th
        'เมืองนครศรีธรรมราช'
    """
    found = _areas().get(str(code).strip())
    if found is not None:
        return found
    from geothai.abolished import abolished_areas

    old = next((a for a in abolished_areas() if a.code == code), None)
    if old is not None:
        hint = f"; it now is {', '.join(old.successors)}" if old.successors else ""
        raise NotFoundError(f"area code {code!r} ({old.name_th}) was abolished on "
                            f"{old.abolished_on}{hint}")
    raise NotFoundError(f"no area has code {code!r}; give a DOPA code (2, 4 or 6 digits, "
                        f"e.g. '80', '8001', '800119') or one of {', '.join(REGIONS)}")


def areas_under(code: str, *, recursive: bool = False) -> list[Area]:
    """The areas directly inside ``code`` (all levels below with ``recursive=True``).

    Example:
        >>> [a.code for a in areas_under("region:west")]
        ['63', '70', '71', '76', '77']
    """
    area(code)  # raises NotFoundError for an unknown code
    out: list[Area] = []
    stack = list(reversed(_children().get(code, ())))
    while stack:
        child = _areas()[stack.pop()]
        out.append(child)
        if recursive:
            stack.extend(reversed(_children().get(child.code, ())))
    return out


def all_provinces() -> list[Area]:
    """The 77 provinces, by code."""
    return [a for a in _areas().values() if a.kind == "province"]


def region_of(code: str) -> Region:
    """The region an area lies in (six-region grouping)."""
    a = area(code)
    if a.kind == "region":
        return REGIONS[a.code]
    return REGIONS[_areas()[a.code[:2]].parent or ""]


@dataclass(frozen=True)
class NameIndex:
    """Area names by level, as :func:`name_key` keys, for the extractor.

    Attributes:
        provinces: key → province code (official names and aliases).
        districts: key → codes of districts outside Bangkok; ``"เมือง"`` maps to
            every capital district (อำเภอเมือง…), resolved by the province.
        khet: key → Bangkok district codes (names without ``เขต``).
        subdistricts: key → codes of subdistricts outside Bangkok.
        khwaeng: key → Bangkok subdistrict (แขวง) codes.
        abolished: key → ``(old code, successor codes)`` of abolished subdistricts.
    """

    provinces: dict[str, str]
    districts: dict[str, tuple[str, ...]]
    khet: dict[str, tuple[str, ...]]
    subdistricts: dict[str, tuple[str, ...]]
    khwaeng: dict[str, tuple[str, ...]]
    abolished: dict[str, tuple[tuple[str, tuple[str, ...]], ...]]


def _add(index: dict[str, list[str]], name: str, code: str) -> None:
    for key in _variants(name):
        codes = index.setdefault(key, [])
        if code not in codes:
            codes.append(code)


def _frozen(index: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    return {k: tuple(sorted(v)) for k, v in index.items()}


@lru_cache(maxsize=1)
def name_index() -> NameIndex:
    """Build (once) the name → codes tables used to find areas in text."""
    from geothai.abolished import abolished_areas

    provinces: dict[str, str] = {}
    districts: dict[str, list[str]] = {}
    khet: dict[str, list[str]] = {}
    subs: dict[str, list[str]] = {}
    khwaeng: dict[str, list[str]] = {}
    areas = _areas()
    for a in areas.values():
        if a.kind == "province":
            provinces[name_key(a.name_th)] = a.code
        elif a.kind == "district" and a.code[:2] == BANGKOK:
            _add(khet, a.name_th.removeprefix("เขต"), a.code)
        elif a.kind == "district":
            _add(districts, a.name_th, a.code)
            if a.name_th == "เมือง" + areas[a.code[:2]].name_th:
                _add(districts, "เมือง", a.code)
        elif a.kind == "subdistrict":
            _add(khwaeng if a.code[:2] == BANGKOK else subs, a.name_th, a.code)
    for alias, code in _PROVINCE_ALIASES.items():
        provinces[name_key(alias)] = code
    abolished: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for old in abolished_areas():
        if old.level == "subdistrict" and old.successors:
            for key in _variants(old.name_th):
                abolished.setdefault(key, []).append((old.code, old.successors))
    return NameIndex(
        provinces=provinces,
        districts=_frozen(districts),
        khet=_frozen(khet),
        subdistricts=_frozen(subs),
        khwaeng=_frozen(khwaeng),
        abolished={k: tuple(v) for k, v in abolished.items()},
    )
