"""Word lists that actor extraction and the tagger share.

Everything here is offline and loaded once per process: the project's own lists
in ``graph/data`` (organisation heads, person titles), PyThaiNLP's bundled
corpora (first names, family names, the word list, country names) and the
geothai gazetteer (province, district and subdistrict names).

Example:
    >>> from graph.lexicon import org_heads, person_titles
    >>> org_heads()["เครือข่าย"]
    'network'
    >>> person_titles()["อ."]
    'weak'
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from importlib import resources

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

__all__ = [
    "PLACE_PREFIXES",
    "COMMON_WORD_COUNT",
    "org_heads",
    "person_titles",
    "first_names",
    "family_names",
    "dictionary_words",
    "area_names",
    "district_names",
    "province_names",
    "country_names",
    "word_frequency",
    "head_of",
    "strip_title",
    "name_stops",
    "is_common",
    "is_namey",
    "read_data_lines",
]

#: Words and abbreviations written before the name of an area. A name rule
#: stops here: "เครือข่ายกองทุนหมู่บ้านต.กะหรอ" is a network, then a place.
PLACE_PREFIXES: frozenset[str] = frozenset(
    {
        "จ.", "จังหวัด", "อ.", "อำเภอ", "กิ่งอ.", "กิ่งอำเภอ", "ต.", "ตำบล", "เขต",
        "แขวง", "ม.", "หมู่", "หมู่ที่", "หมู่บ้าน", "บ้าน", "ภาค", "ประเทศ", "ถนน", "ถ.",
        "ซอย", "ภาคใต้", "ภาคเหนือ", "ภาคอีสาน", "ภาคกลาง", "ภาคตะวันออก", "ภาคตะวันตก",
        "ภาคตะวันออกเฉียงเหนือ", "กรุงเทพฯ", "กรุงเทพมหานคร",
    }
)


def read_data_lines(name: str) -> list[list[str]]:
    """Rows of a TAB-separated file in ``graph/data``, comments and blanks skipped."""
    text = resources.files("graph").joinpath(f"data/{name}").read_text("utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append([cell.strip() for cell in line.split("\t")])
    return rows


@lru_cache(maxsize=1)
def org_heads() -> dict[str, str]:
    """Organisation heads (``กระทรวง``, ``เครือข่าย`` …) mapped to the kind they open."""
    return {row[0]: row[1] for row in read_data_lines("org_heads.txt")}


@lru_cache(maxsize=1)
def person_titles() -> dict[str, str]:
    """Person titles mapped to ``strong`` or ``weak`` (a weak one is also an ordinary word)."""
    return {row[0]: row[1] for row in read_data_lines("person_titles.txt")}


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Thai first names bundled with PyThaiNLP (female and male lists)."""
    from pythainlp.corpus import thai_female_names, thai_male_names

    return frozenset(thai_female_names()) | frozenset(thai_male_names())


@lru_cache(maxsize=1)
def family_names() -> frozenset[str]:
    """Thai family names bundled with PyThaiNLP."""
    from pythainlp.corpus import thai_family_names

    return frozenset(thai_family_names())


@lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """PyThaiNLP's Thai word list: a name that is also a word needs more evidence."""
    from pythainlp.corpus import thai_words

    return frozenset(thai_words())


@lru_cache(maxsize=1)
def _geothai_names() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    import geothai

    provinces: set[str] = set()
    districts: set[str] = set()
    subdistricts: set[str] = set()
    for province in geothai.provinces():
        provinces.add(province.name_th)
        for district in geothai.districts(province.code):
            name = district.name_th
            districts.add(name)
            # Bangkok's districts are written "เขตพญาไท"; people also write "พญาไท".
            for prefix in ("เขต", "อำเภอ", "กิ่งอำเภอ"):
                if name.startswith(prefix) and len(name) > len(prefix) + 1:
                    districts.add(name[len(prefix):])
            subdistricts.update(s.name_th for s in geothai.subdistricts(district.code))
    provinces.add("กรุงเทพฯ")
    return frozenset(provinces), frozenset(districts), frozenset(subdistricts)


def province_names() -> frozenset[str]:
    """The 77 province names (plus ``กรุงเทพฯ``)."""
    return _geothai_names()[0]


def district_names() -> frozenset[str]:
    """District names, with and without their ``เขต``/``อำเภอ`` prefix."""
    return _geothai_names()[1]


@lru_cache(maxsize=1)
def area_names() -> frozenset[str]:
    """Every province, district and subdistrict name in geothai."""
    provinces, districts, subdistricts = _geothai_names()
    return provinces | districts | subdistricts


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """Thai country names bundled with PyThaiNLP (``ญี่ปุ่น``, ``ลาว`` …)."""
    from pythainlp.corpus import countries

    return frozenset(countries())


@lru_cache(maxsize=1)
def word_frequency() -> dict[str, int]:
    """Word counts of the Thai National Corpus (bundled with PyThaiNLP).

    A weak title before a common word is not a person: พี่เชิญ (invite) vs พี่ภีม.
    """
    from pythainlp.corpus import tnc

    return dict(tnc.word_freqs())


def head_of(word: str) -> str | None:
    """The longest organisation head ``word`` starts with (``กรมการพัฒนาชุมชน`` → ``กรม``)."""
    return _head_of(word)


@lru_cache(maxsize=100_000)
def _head_of(word: str) -> str | None:
    heads = org_heads()
    for n in range(min(len(word), 24), 1, -1):
        if word[:n] in heads:
            return word[:n]
    return None


def strip_title(name: str) -> str:
    """A person's name without the titles written before it.

    Example:
        >>> strip_title("รศ.ดร.ปัทมาวดี โพชนุกูล")
        'ปัทมาวดี โพชนุกูล'
    """
    return _strip_title(name)


@lru_cache(maxsize=1)
def _titles_longest_first() -> tuple[str, ...]:
    return tuple(sorted(person_titles(), key=len, reverse=True))


@lru_cache(maxsize=20_000)
def _strip_title(name: str) -> str:
    titles = _titles_longest_first()
    rest = name.strip()
    changed = True
    while changed:
        changed = False
        for t in titles:
            if rest.startswith(t) and len(rest) > len(t):
                nxt = rest[len(t):].lstrip()
                # "นาง" must not eat the start of a name like "นางนวล": only strip
                # a title that ends in a dot, a space or the end of a known title.
                if t[-1] == "." or rest[len(t)].isspace() or _title_word_ends(rest, t):
                    rest = nxt
                    changed = True
                    break
    return rest or name.strip()


def _title_word_ends(text: str, title: str) -> bool:
    from ingest.tokens import tokenize

    pieces = tokenize(text[: len(title) + 12])
    return bool(pieces) and pieces[0] == title


@lru_cache(maxsize=1)
def name_stops() -> frozenset[str]:
    """Words that end a name written without spaces (``graph/data/name_stops.txt``)."""
    return frozenset(row[0] for row in read_data_lines("name_stops.txt"))


#: Above this count in the Thai National Corpus a word is "common" (เชิญ, ชวน, ดี).
COMMON_WORD_COUNT = 2_000
_THAI_RUN = re.compile(r"^[\u0e01-\u0e4e]+$")


def is_common(word: str, count: int = COMMON_WORD_COUNT) -> bool:
    """A frequent Thai word: more than ``count`` in the Thai National Corpus."""
    return word_frequency().get(word, 0) > count


def is_namey(word: str) -> bool:
    """A word that looks like a name: Thai, three letters or more, not a Thai word."""
    return len(word) >= 3 and bool(_THAI_RUN.match(word)) and word not in dictionary_words()
