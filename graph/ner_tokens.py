"""Tokens for entity recognition: the project's tokeniser, made entity-friendly.

:func:`segment` takes the tokens of :mod:`ingest.tokens` (the one tokeniser) and
only re-cuts them where an entity boundary needs it:

* brackets, quotes and dashes glued to a word are split off (``(สนช`` → ``(``, ``สนช``);
* dotted abbreviations the tokeniser cut are joined (``พล|.|อ.`` → ``พล.อ.``);
* a dictionary compound is cut before an entity word
  (``ผู้ว่าราชการจังหวัด`` → ``ผู้ว่าราชการ|จังหวัด``, ``คนไทย`` → ``คน|ไทย``).

On ThaiNER 1.5 this leaves 1.4% of entity boundaries inside a token (4.7% with
the bare tokeniser). The rules (:mod:`graph.actors`, :mod:`graph.people`) and
the tagger (:mod:`graph.tagger`) read the same tokens.

Example:
    >>> [t.text for t in segment("(สนช.) พล.อ.ประยุทธ์")]
    ['(', 'สนช.', ')', 'พล.อ.', 'ประยุทธ์']
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from graph.lexicon import dictionary_words, head_of, org_heads
from ingest.models import Token
from ingest.tokens import tokens as _word_tokens

__all__ = ["segment", "lines"]

# Characters split off a token: an entity boundary often lies between a word and
# the bracket or quote glued to it by the tokeniser ("(สนช", ".)").
_PUNCT = frozenset("()[]{}<>\"'“”‘’«»,;:!?/\\|*#@&%+=~^`-–—…")
# Thai dotted abbreviations (consonants and dots): พล.อ., พ.ต.ท., ธ.ก.ส., สนช.
# Glued to a word is fine ("ที่พล.อ."): a match is used only where a token starts.
_ABBREVIATION = re.compile(r"(?:[ก-ฮ]{1,5}\.){1,5}")
_THAI = re.compile(r"[\u0e01-\u0e4e]")


def segment(text: str) -> list[Token]:
    """Tokens of :mod:`ingest.tokens` with brackets, quotes and dashes split off.

    Dotted abbreviations the tokeniser cuts (``พล|.|อ.``) are joined again.

    Example:
        >>> [t.text for t in segment("(สนช.) พล.อ.ประยุทธ์")]
        ['(', 'สนช.', ')', 'พล.อ.', 'ประยุทธ์']
    """
    return list(_segment(text))


@lru_cache(maxsize=8)
def _segment(text: str) -> tuple[Token, ...]:
    # Cached: extract() hands the same text to the rules and to the tagger.
    return tuple(_split_compounds(_join_abbreviations(text, _split_punctuation(text))))


def lines(text: str, toks: Sequence[Token]) -> list[Sequence[Token]]:
    """Tokens grouped by line: the model was trained one line (sentence) at a time."""
    out: list[Sequence[Token]] = []
    start = 0
    for i in range(1, len(toks)):
        if "\n" in text[toks[i - 1].end : toks[i].start]:
            out.append(toks[start:i])
            start = i
    if toks:
        out.append(toks[start:])
    return out


def _split_compounds(toks: list[Token]) -> list[Token]:
    """Cut a dictionary compound before an entity word: ในประเทศ -> ใน|ประเทศ.

    The word list holds compounds such as ผู้ว่าราชการจังหวัด and คนไทย whose
    second half starts or is an entity; the cut lets the tagger see that boundary.
    """
    suffixes = _compound_suffixes()
    words = dictionary_words()
    out: list[Token] = []
    for tok in toks:
        w = tok.text
        cut = 0
        if len(w) >= 5 and head_of(w) is None:
            for n in range(2, len(w) - 2):
                if w[n:] in suffixes and w[:n] in words:
                    cut = n
                    break
        if cut:
            out.append(Token(w[:cut], tok.start, tok.start + cut))
            out.append(Token(w[cut:], tok.start + cut, tok.end))
        else:
            out.append(tok)
    return out


@lru_cache(maxsize=1)
def _compound_suffixes() -> frozenset[str]:
    extra = {"จังหวัด", "ประเทศ", "เมือง", "ไทย", "อำเภอ", "ตำบล", "วัด", "ถนน", "แม่น้ำ", "ทหารบก"}
    return frozenset({h for h in org_heads() if len(h) >= 3} | extra)


def _join_abbreviations(text: str, toks: list[Token]) -> list[Token]:
    if "." not in text:
        return toks
    words = dictionary_words()
    starts = {t.start: n for n, t in enumerate(toks)}
    ends = {t.end: n for n, t in enumerate(toks)}
    out: list[Token] = []
    done = 0
    for m in _ABBREVIATION.finditer(text):
        a, b = starts.get(m.start()), ends.get(m.end())
        if a is None or b is None or b <= a or a < done:
            continue
        if all(t.text.endswith(".") and t.text != "." for t in toks[a : b + 1]):
            continue  # already whole parts: ผบ.|ตร. is a role and a body
        first = toks[a].text
        if m.start() and _THAI.match(text[m.start() - 1]) and len(first) > 2 and first in words:
            continue  # a word before the abbreviation: ของ|รศ.|ดร. stays apart
        out.extend(toks[done:a])
        out.append(Token(m.group(0), m.start(), m.end()))
        done = b + 1
    out.extend(toks[done:])
    return out


def _split_punctuation(text: str) -> list[Token]:
    out: list[Token] = []
    for tok in _word_tokens(text):
        word = tok.text
        if _PUNCT.isdisjoint(word) and not (len(word) > 1 and word[0] == "."):
            out.append(tok)
            continue
        start = 0
        for i in range(1, len(word) + 1):
            if i == len(word) or _cut(word, i):
                out.append(Token(word[start:i], tok.start + start, tok.start + i))
                start = i
    return out


def _cut(word: str, i: int) -> bool:
    # Cut around punctuation, and after a lone leading dot (".)" -> "." ")").
    a, b = word[i - 1], word[i]
    if a in _PUNCT or b in _PUNCT:
        return True
    return i == 1 and a == "."
