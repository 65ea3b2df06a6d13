"""Thai organisation acronyms: the table, matching in raw text, definitions in text.

Thai writes acronyms glued to the word before them (``ที่มสธ.``, ``ของพอช.``),
so they are found with an Aho-Corasick automaton (pyahocorasick) over the raw
text rather than on word boundaries. Guards keep them out of ordinary words:

* a dotted acronym must be written with its final dot (``พม.``, not ``พม``);
* a short one (two letters or fewer before the dot, e.g. ``อก.``) must also start
  where the tokeniser starts a word, so ``ออก.`` is not ``อก.``;
* an undotted variant (``พอช``, ``สกว``) is matched only for acronyms of three
  or more letters that are not Thai words, and only where the next character
  is not Thai and a word starts.

A generic body followed by its place (``อบต.น้ำขาว``) becomes that one body:
key ``องค์การบริหารส่วนตำบลน้ำขาว``.

Example:
    >>> [(m.label, m.key) for m in find_acronyms("เจ้าหน้าที่พอช.และที่มสธ.")]
    [('พอช.', 'สถาบันพัฒนาองค์กรชุมชน'), ('มสธ.', 'มหาวิทยาลัยสุโขทัยธรรมาธิราช')]
    >>> find_acronym_definitions("สำนักงานกองทุนสนับสนุนการวิจัย(สกว.)")
    [('สำนักงานกองทุนสนับสนุนการวิจัย', 'สกว.')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graph.lexicon import (
    dictionary_words,
    district_names,
    org_heads,
    province_names,
    read_data_lines,
)
from graph.models import Mention

__all__ = [
    "Acronym",
    "acronym_table",
    "full_names",
    "find_acronyms",
    "find_acronym_definitions",
]

_THAI = re.compile(r"[\u0e01-\u0e4e]")
_CONSONANT = re.compile(r"[ก-ฮ]")
# "(สกว.)", "( ธ.ก.ส. )", "(กยศ)": 2-8 Thai consonants with optional dots.
_DEFINITION = re.compile(r"\(\s*((?:[ก-ฮ]\.?){2,8})\s*\)")
# What a generic body may be followed by to name one place: อบต.น้ำขาว, อบจ.ตราด.
_GENERIC_PLACE = {"อบต.": "subdistrict", "อบจ.": "province", "เทศบาลตำบล": "subdistrict"}


@dataclass(frozen=True)
class Acronym:
    """One row of ``graph/data/acronyms.tsv``.

    Attributes:
        acronym: as written, with its dots (``ธ.ก.ส.``).
        full_name: the full Thai name, the key of the entity.
        kind: ``organisation``, ``network`` or ``group``.
        name_en: English name.
        generic: a type of body (``อบต.``: every subdistrict has one), not one entity.
    """

    acronym: str
    full_name: str
    kind: str
    name_en: str
    generic: bool = False


@lru_cache(maxsize=1)
def acronym_table() -> dict[str, Acronym]:
    """The acronym table, keyed by the acronym as written (``พอช.``)."""
    table: dict[str, Acronym] = {}
    for row in read_data_lines("acronyms.tsv"):
        if row[0] == "acronym":  # the header
            continue
        name_en = row[3] if len(row) > 3 else ""
        table[row[0]] = Acronym(row[0], row[1], row[2], name_en, "(generic)" in name_en)
    return table


def full_names() -> dict[str, Acronym]:
    """Full names of the table mapped to one of their acronyms."""
    return {a.full_name: a for a in acronym_table().values()}


def _variants() -> dict[str, tuple[Acronym, bool]]:
    """Every written form: the acronym itself, plus safe undotted forms (flag True)."""
    words = dictionary_words()
    forms: dict[str, tuple[Acronym, bool]] = {}
    for acr in acronym_table().values():
        forms[acr.acronym] = (acr, False)
        bare = acr.acronym.rstrip(".")
        if (
            acr.acronym.endswith(".")
            and "." not in bare
            and len(bare) >= 3
            and bare not in words
            and bare not in acronym_table()
        ):
            forms.setdefault(bare, (acr, True))
    return forms


@lru_cache(maxsize=1)
def _automaton() -> Any:
    import ahocorasick

    auto = ahocorasick.Automaton()
    for form, (acr, bare) in _variants().items():
        auto.add_word(form, (form, acr, bare))
    auto.make_automaton()
    return auto


def _starts_word(text: str, start: int) -> bool:
    """True if the tokeniser starts a word at ``start`` (judged on a short window)."""
    if start == 0 or not _THAI.match(text[start - 1]):
        return True
    from ingest.tokens import tokens

    lo = max(0, start - 24)
    # Begin the window at a space if there is one, so its first word is whole.
    space = text.rfind(" ", lo, start)
    lo = space + 1 if space >= 0 else lo
    window = text[lo : min(len(text), start + 24)]
    return any(t.start + lo == start for t in tokens(window))


def _guard(text: str, start: int, end: int, form: str, bare: bool) -> bool:
    nxt = text[end] if end < len(text) else ""
    if bare:
        if nxt and (_THAI.match(nxt) or nxt == "."):
            return False
        return _starts_word(text, start)
    letters = len(_CONSONANT.findall(form))
    if letters <= 2 and form.endswith("."):
        return _starts_word(text, start)
    return True


def find_acronyms(text: str) -> list[Mention]:
    """Mentions of known acronyms in ``text`` (type actor, source ``acronym``).

    The longest form wins where forms overlap (``ศอ.บต.`` over ``บต.``).
    ``key`` is the full name; for a generic body followed by its place
    (``อบต.กะหรอ``) the mention covers the place too and the key names that
    one body.
    """
    found: list[tuple[int, int, str, Acronym, bool]] = []
    for end_idx, (form, acr, bare) in _automaton().iter(text):
        end = end_idx + 1
        start = end - len(form)
        found.append((start, end, form, acr, bare))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out: list[Mention] = []
    last_end = -1
    for start, end, form, acr, bare in found:
        if start < last_end or not _guard(text, start, end, form, bare):
            continue
        key = acr.full_name
        if acr.generic and acr.acronym in _GENERIC_PLACE:
            place_end = _place_after(text, end, _GENERIC_PLACE[acr.acronym])
            if place_end:
                key = acr.full_name + text[end:place_end].strip()
                end = place_end
        out.append(Mention(start, end, text[start:end], "actor", acr.kind, key, "acronym"))
        last_end = end
    return out


def _place_after(text: str, end: int, level: str) -> int | None:
    """End of an area name right after ``end`` (one optional space), else ``None``."""
    from ingest.tokens import tokens

    names = province_names() if level == "province" else _subdistrict_names()
    pos = end + 1 if text[end : end + 1] == " " else end
    toks = tokens(text[pos : pos + 40])
    if toks and toks[0].start == 0 and toks[0].text in names:
        return pos + toks[0].end
    return None


@lru_cache(maxsize=1)
def _subdistrict_names() -> frozenset[str]:
    from graph.lexicon import area_names

    return area_names() - province_names() - district_names()


def _initials(word: str) -> str:
    """The first consonant of a word (skipping a leading vowel: เสริม -> ส)."""
    m = _CONSONANT.search(word)
    return m.group(0) if m else ""


def _subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(c in it for c in needle)


def find_acronym_definitions(text: str) -> list[tuple[str, str]]:
    """Acronyms defined in the text: a full name followed by ``(ACRONYM)``.

    The full name is the shortest stretch before the bracket that starts with
    an organisation head (or just after one, which is then included:
    ``โครงการเสริมสร้าง…(สรส.)``) and whose letters contain the acronym's
    consonants in order; without a head, the stretch whose word initials match
    the acronym best.

    Returns:
        ``(full_name, acronym)`` pairs in text order, e.g.
        ``("สำนักงานกองทุนสนับสนุนการวิจัย", "สกว.")``; the resolver merges them.
    """
    from ingest.tokens import tokens

    heads = org_heads()
    out: list[tuple[str, str]] = []
    for m in _DEFINITION.finditer(text):
        acronym = m.group(1)
        letters = "".join(_CONSONANT.findall(acronym))
        if len(letters) < 2:
            continue
        lo = max(0, m.start() - 120)
        cut = max(text.rfind("\n", lo, m.start()), text.rfind(")", lo, m.start()),
                  text.rfind("(", lo, m.start()))
        lo = cut + 1 if cut >= lo else lo
        window = text[lo : m.start()].rstrip()
        toks = tokens(window)
        if not toks:
            continue
        name = _definition_name(window, toks, letters, heads)
        if name:
            out.append((name, acronym))
    return out


def _definition_name(window: str, toks: list, letters: str, heads: dict[str, str]) -> str | None:
    best_plain: tuple[int, int] | None = None  # (score, token index)
    for i in range(len(toks) - 1, -1, -1):
        stretch = window[toks[i].start :]
        if not _subsequence(letters, "".join(_CONSONANT.findall(stretch))):
            continue
        word = toks[i].text
        head = next((h for h in heads if word.startswith(h)), None)
        # A committee's acronym may start inside its head: คณะกรรมการนโยบาย… (กพช.)
        if head and letters[0] in word:
            return stretch.strip()
        if i > 0 and toks[i - 1].text in heads and _initials(word) == letters[0]:
            return window[toks[i - 1].start :].strip()
        if _initials(word) == letters[0]:
            inits = "".join(_initials(t.text) for t in toks[i:])
            score = sum(1 for c in letters if c in inits)
            if best_plain is None or score > best_plain[0]:
                best_plain = (score, i)
    # Letters may come from inside a word (ม of อาสาสมัคร in อสม.): one may miss.
    if best_plain and best_plain[0] >= max(2, len(letters) - 1):
        return window[toks[best_plain[1]].start :].strip()
    return None
