"""Find the words in a Thai note that may name an area, with the codes each may mean.

Names are looked up in the geothai gazetteer (:mod:`graph.gazetteer`) only
where the text says what they are: after ต./ตำบล/แขวง, อ./อำเภอ/กิ่งอ./เขต,
จ./จังหวัด, or as a bare province name; regions (ภาคใต้) and villages
(หมู่ที่ 3, ม.3) are found as well. Bare district and subdistrict names are never
tagged: too many are ordinary words (สังคม, ชนบท, ท่าเรือ). A bare province name
must stand as a word of its own and not follow a title, road or bank (นายสุรินทร์,
ถนนกำแพงเพชร); one that is an ordinary word (เลย, ตาก, แพร่, น่าน) is marked weak.
A name after an ambiguous prefix (อ., ต., จ., เขต, แขวง) must end where a token
ends, and a prefix inside another word (ผวจ., นายอำเภอ) is not one.

Each name found keeps every code it may mean; which one it does is settled
from the names around it by :func:`graph.areas.find_areas`.

Example:
    >>> [(c.level, len(c.codes)) for c in _scan("ตำบลบ้านใหม่ อำเภอเมือง ภาคใต้ หมู่ 3")]
    [('subdistrict', 16), ('district', 75), ('region', 1), ('village', 0)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graph.gazetteer import name_index, name_key

# Nothing public: graph.areas.find_areas is the entry point, and the only user
# of the scanner (_scan) and its candidates (_Cand).
__all__: list[str] = []

# Prefix as written → level of the name after it (เขต/แขวง: Bangkok only).
_PREFIXES: dict[str, str] = {
    "กิ่งอำเภอ": "district", "กิ่งอ.": "district", "อำเภอ": "district", "อ.": "district",
    "เขต": "khet", "ตำบล": "subdistrict", "ต.": "subdistrict", "แขวง": "khwaeng",
    "จังหวัด": "province", "จ.": "province",
    # PDF text often loses the nikhahit of ำ: อาเภอ, ตาบล.
    "อาเภอ": "district", "ตาบล": "subdistrict",
}
_SHORT = {"อ.", "ต.", "จ.", "เขต", "แขวง", "กิ่งอ."}  # ambiguous prefixes: stricter checks
_COMMON_WORD_PROVINCES = {"42", "63", "54", "55"}  # เลย ตาก แพร่ น่าน
_REGION_WORDS = {
    "ภาคเหนือ": "region:north", "ภาคตะวันออกเฉียงเหนือ": "region:northeast",
    "ภาคอีสาน": "region:northeast", "อีสาน": "region:northeast", "ภาคกลาง": "region:central",
    "ภาคตะวันออก": "region:east", "ภาคตะวันตก": "region:west", "ภาคใต้": "region:south",
    "ปักษ์ใต้": "region:south",
}
# Before a bare province name these make it a person (นายสุรินทร์), a road
# (ถนนกำแพงเพชร) or a bank (ธนาคารกรุงเทพ), not the province.
_NOT_PLACE_BEFORE = re.compile(
    r"(?:ถนน|ถ\.|ซอย|ซ\.|ธนาคาร|นาย|นาง|นางสาว|น\.ส\.|ดร\.|คุณ|อาจารย์|ครู|พระ|"
    r"ผศ\.|รศ\.|ศ\.|พล\.[อตทร]\.|"
    r"[พร]\.[ตอท]\.[อทต]\.|ด\.[ชญ]\.)\s?$"
)
_THAI_LETTER = re.compile(r"[\u0E01-\u0E4E]")
_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# A name: Thai letters and digits; a space only next to a digit (มะม่วง 2 ต้น), a
# hyphen only inside (สุไหงโก-ลก).
_NAME_RUN = re.compile(
    r"[\u0E01-\u0E4E0-9๐-๙]+(?:(?:[ \t\u00a0](?=[0-9๐-๙])|(?<=[0-9๐-๙])[ \t\u00a0]|-)"
    r"[\u0E01-\u0E4E0-9๐-๙]+)*"
)
_SKIP_IN_NAME = frozenset(" \t\u00a0-")
_MAX_NAME = 40
_NOT_SYLLABLE_START = re.compile(r"[\u0E30-\u0E3A\u0E45\u0E47-\u0E4E]")
_REGION_SUFFIXES = ("", "ตอนบน", "ตอนล่าง", "ตอนกลาง")
_VILLAGE = re.compile(r"(?:หมู่ที่|หมู่|ม\.)[ \t]?(?:\d{1,2}|[๐-๙]{1,2})(?![\d๐-๙])")
_VILLAGE_NAME = re.compile(r"บ้าน[\u0E01-\u0E4E]{2,20}[ \t]?$")


@lru_cache(maxsize=1)
def _anchors() -> Any:
    """An Aho-Corasick automaton over every word that can start an area mention.

    Values are ``(kind, word)``: ``pre`` (a prefix such as ต. or จังหวัด),
    ``region``, ``bare`` (a province name or alias) or ``village`` (หมู่/ม.).
    """
    import ahocorasick

    auto = ahocorasick.Automaton()
    for prefix in _PREFIXES:
        auto.add_word(prefix, ("pre", prefix))
    for spaced in ("กิ่ง อ.", "กิ่ง อำเภอ"):
        auto.add_word(spaced, ("pre", spaced))
    for word in _REGION_WORDS:
        for suffix in _REGION_SUFFIXES if word.startswith("ภาค") else ("",):
            auto.add_word(word + suffix, ("region", word + suffix))
    for name in name_index().provinces:
        auto.add_word(name, ("bare", name))
    for word in ("หมู่", "ม."):
        auto.add_word(word, ("village", word))
    auto.make_automaton()
    return auto


@dataclass
class _Cand:
    """A name found in the text, with the codes it may still mean."""

    start: int
    end: int
    level: str
    codes: set[str]
    key: str = ""
    weak: bool = False  # a province name that is an ordinary word, written bare
    lonely: bool = False  # too common a word to stand alone: kept only inside an address
    moo: int | None = None  # village number
    gov: dict[str, "_Cand"] = field(default_factory=dict)


def _boundaries(text: str, lo: int, hi: int) -> set[int]:
    """Token boundaries of ``text[lo:hi]`` by the project tokeniser, as absolute offsets."""
    from ingest.tokens import default_tokenizer

    out = {lo, hi}
    pos = lo
    for piece in default_tokenizer().segment(text[lo:hi]):
        pos += len(piece)
        out.add(pos)
    return out


def _is_boundary(text: str, pos: int, bounds: set[int]) -> bool:
    if pos >= len(text) or not _THAI_LETTER.match(text[pos]):
        return True
    return pos in bounds


def _read_name(text: str, pos: int) -> tuple[str, list[int]]:
    """The name-like run at ``pos`` as a :func:`name_key` string, with each key char's offset.

    Spaces are skipped only next to digits (``มะม่วง 2 ต้น``); any other space ends the run.
    """
    run = _NAME_RUN.match(text, pos, min(len(text), pos + _MAX_NAME))
    if run is None:
        return "", []
    where = [i for i in range(run.start(), run.end()) if text[i] not in _SKIP_IN_NAME]
    key = "".join(text[i] for i in where).translate(_DIGITS)
    if "\u0e4d\u0e32" in key:  # นิคหิต + สระอา written for สระอำ
        where = [i for j, i in enumerate(where)
                 if not (key[j] == "\u0e4d" and key[j + 1:j + 2] == "\u0e32")]
        key = key.replace("\u0e4d\u0e32", "\u0e33")
    return key, where


def _lookup(level: str, prefix: str, text: str, start: int, end: int) -> _Cand | None:
    """Read the name after a prefix and look it up at the prefix's level."""
    idx = name_index()
    table = {
        "district": idx.districts, "khet": idx.khet, "subdistrict": idx.subdistricts,
        "khwaeng": idx.khwaeng, "province": None,
    }[level]
    pos = end
    while pos < len(text) and pos - end < 2 and text[pos] in " \t\u00a0":
        pos += 1
    key, where = _read_name(text, pos)
    if not key:
        return None
    bounds: set[int] | None = None
    strict = prefix in _SHORT
    for cut in range(len(key), 0, -1):
        sub = key[:cut]
        if level == "province":
            code = idx.provinces.get(sub)
            codes = {code} if code else set()
        else:
            codes = set(table.get(sub, ()))
        if not codes:
            continue
        if bounds is None:  # tokenise only around a real name: most prefixes have none
            bounds = _boundaries(text, max(0, start - 12), min(len(text), pos + len(key) + 24))
            # The prefix must start a token: ผวจ., นายอำเภอ, สภ.อ. are other words.
            embedded = start not in bounds or text[start - 1:start] == "."
        name_end = where[cut - 1] + 1
        aligned = _is_boundary(text, name_end, bounds)
        if not aligned and (strict or _NOT_SYLLABLE_START.match(text[name_end])):
            continue
        if text[name_end:name_end + 1] == "ฯ":
            name_end += 1
        if embedded:
            if prefix in ("อ.", "ต.") or text[start - 1:start] == ".":
                return None
            start = pos  # "ผวจ.กาฬสินธุ์": the place is the name alone
        kind = {"khet": "district", "khwaeng": "subdistrict"}.get(level, level)
        cand = _Cand(start, name_end, kind, codes, key=sub)
        # อ.พนม alone is a teacher more often than a district; ตำบลและ is "ตำบล และ".
        cand.lonely = (prefix == "อ." and sub in _first_names()) or _is_stopword(sub)
        return cand
    return None


def _is_stopword(word: str) -> bool:
    from ingest.tokens import is_stopword

    return is_stopword(word)


@lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    from pythainlp.corpus import thai_female_names, thai_male_names

    return frozenset(thai_male_names()) | frozenset(thai_female_names())


def _scan(text: str) -> list[_Cand]:
    idx = name_index()
    auto = _anchors()
    cands: list[_Cand] = []
    pos = 0
    while pos < len(text):
        restart = None
        for last, (kind, word) in auto.iter_long(text, pos):
            start, end = last + 1 - len(word), last + 1
            if kind == "region":
                if text.startswith("เฉียงใต้", end):
                    continue  # ภาคตะวันออกเฉียงใต้ is South-East Asia, not a region of Thailand
                base = max((w for w in _REGION_WORDS if word.startswith(w)), key=len)
                cands.append(_Cand(start, end, "region", {_REGION_WORDS[base]}))
            elif kind == "village":
                m = _VILLAGE.match(text, start)
                if m is None:
                    continue
                before = _VILLAGE_NAME.search(text, max(0, start - 24), start)
                moo = int(re.sub(r"\D", "", m.group().translate(_DIGITS)))
                cands.append(_Cand(before.start() if before else start, m.end(), "village",
                                   set(), moo=moo))
            elif kind == "pre":
                prefix = word.replace(" ", "")
                cand = _lookup(_PREFIXES[prefix], prefix, text, start, end)
                if cand is not None:
                    cands.append(cand)
                    restart = cand.end  # the name is used up: nothing inside it is another place
                    break
            else:  # a bare province name
                cand = _bare(text, start, end, idx.provinces[name_key(word)])
                if cand is not None:
                    cands.append(cand)
        if restart is None:
            break
        pos = restart
    return cands


def _bare(text: str, start: int, end: int, code: str) -> _Cand | None:
    """A province name written without จ./จังหวัด, if it is one."""
    bounds = _boundaries(text, max(0, start - 12), min(len(text), end + 12))
    if start not in bounds or not _is_boundary(text, end, bounds):
        return None  # part of a longer word: เผยแพร่, ลำปางหลวง
    if _NOT_PLACE_BEFORE.search(text, max(0, start - 12), start):
        return None
    end += text[end:end + 1] == "ฯ"
    return _Cand(start, end, "province", {code}, key=text[start:end],
                 weak=code in _COMMON_WORD_PROVINCES)
