"""Discovered themes: key phrases of a collection that the curated practice scheme lacks.

Candidates are runs of one to three tokens of the project tokeniser
(``ingest.tokens``) between stopwords, punctuation and spaces. A candidate is a
theme when it

* recurs: in at least ``min_docs`` notes, and not in more than
  ``max_doc_ratio`` of them (a phrase in every note is background);
* sticks together: normalised PMI of its first word and the rest ≥ 0.2;
* is topical: its words are more frequent here than in general Thai, by the
  log-ratio against the Thai National Corpus word frequencies that PyThaiNLP
  ships (offline);
* is new: it neither contains nor lies inside a label of the scheme, and it is
  not a place name, a date or headed by an office or title (รัฐมนตรี, มหาวิทยาลัย:
  those are actors).

Lines repeated verbatim in several notes (page footers) are skipped, lines
repeated inside one note (titles) count once, and the metadata lines of GotoKnow
posts and thaigov news (หมายเลขบันทึก…, ที่มา : …) are skipped. The score is
``df · log2(1 + count) · topicality · cohesion``; a phrase that mostly occurs
inside a longer theme gives way to it. Everything is deterministic.

Themes are returned as :class:`DiscoveredTheme` with ``discovered=True``: the
RDF layer puts them in a separate ``skos:ConceptScheme`` marked ``fn:discovered``.

Example:
    >>> themes = discover_themes(notes)             # doctest: +SKIP
    >>> themes[0].label, themes[0].discovered       # doctest: +SKIP
    ('ภาคีสนับสนุน', True)
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Mapping, Sequence

from fieldnotes.errors import InputError

if TYPE_CHECKING:
    from graph.practices import PracticeScheme

__all__ = ["DiscoveredTheme", "discover_themes"]


@dataclass(frozen=True)
class DiscoveredTheme:
    """A key phrase found by :func:`discover_themes`, not (yet) in the curated scheme.

    Attributes:
        key: stable id, ``"discovered-"`` + 10 hex digits of the phrase's hash.
        iri: IRI of the theme as a concept of the discovered scheme.
        label: the phrase as most often written, e.g. ``"ภาคีสนับสนุน"``.
        score: higher is more salient; comparable within one call only.
        count: occurrences in all texts.
        docs: indices (into the texts given) of the texts it occurs in.
        terms: its index terms (``ingest.tokens`` normalised tokens).
        discovered: always ``True``: machine-found, not curated.
    """

    key: str
    iri: str
    label: str
    score: float
    count: int
    docs: tuple[int, ...]
    terms: tuple[str, ...]
    discovered: bool = True


_THAI = re.compile(r"[\u0E01-\u0E2E]")
_MIN_NPMI = 0.2
# A theme is a noun phrase: it starts with a noun (or a word the tagger does not
# know, mostly compounds) and does not end on a function word.
_BAD_FIRST = frozenset("VERB AUX ADV ADP SCONJ CCONJ DET PRON NUM PART PUNCT ADJ".split())
_BAD_LAST = frozenset("AUX ADP SCONJ CCONJ DET PRON PART PUNCT".split())
# Words that head an actor (an office, a title, an organisation) rather than a theme.
_ACTOR_HEADS = frozenset(
    "รัฐมนตรี ปลัด รอง ผู้ว่าราชการ อธิบดี เลขาธิการ ผู้อำนวยการ ประธาน นายก คณะกรรมการ "
    "กระทรวง กรม สำนักงาน สำนัก มหาวิทยาลัย สถาบัน มูลนิธิ สมาคม ชุมนุม ธนาคาร บริษัท "
    "หน่วย หน่วยงาน นาย นาง นางสาว ดร. อาจารย์ ท่าน พระ โรงเรียน ว่าการ คณะ โฆษก".split()
)
# Words a theme never starts with: the start of a verb phrase or a report heading.
_NOT_FIRST = frozenset("มีมติ มี ได้ ให้ ที่ กรณี กรอบ รายงาน".split())
_AREA_WORDS = frozenset("จังหวัด อำเภอ ตำบล แขวง เขต อีสาน".split())
_GLUED_TAILS = ("การ", "ความ", "ใน", "ของ", "ที่", "และ", "กับ")
# Words a theme never ends on: they only start a longer word.
_OPEN_ENDS = frozenset("การ ความ ผู้ นัก ด้าน ระดับ แห่ง ทั้ง เรื่อง".split())
_TIME_WORDS = frozenset(
    "มกราคม กุมภาพันธ์ มีนาคม เมษายน พฤษภาคม มิถุนายน กรกฎาคม สิงหาคม กันยายน ตุลาคม "
    "พฤศจิกายน ธันวาคม เดือน วันที่ ปี พ.ศ. ล้าน บาท".split()
)


@lru_cache(maxsize=1)
def _background() -> tuple[Mapping[str, int], int]:
    """Word frequencies of the Thai National Corpus (bundled with PyThaiNLP)."""
    from pythainlp.corpus import tnc

    freqs = dict(tnc.word_freqs())
    return freqs, sum(freqs.values()) + len(freqs)


def _background_count(term: str, freqs: Mapping[str, int]) -> int:
    """TNC count of a term; for a compound TNC splits (การประชุม = การ|ประชุม), the count of
    its most common longest known prefix/suffix pair, an upper bound that keeps compounds
    of common words common."""
    if term in freqs:
        return freqs[term]
    prefix = next((freqs[term[:i]] for i in range(len(term) - 1, 1, -1) if term[:i] in freqs), 0)
    suffix = next((freqs[term[i:]] for i in range(1, len(term) - 1) if term[i:] in freqs), 0)
    return min(prefix, suffix)


def _tags(terms: set[str]) -> dict[str, str]:
    """Most frequent UD part of speech of each term (PyThaiNLP's bundled unigram model)."""
    from pythainlp.tag import pos_tag

    ordered = sorted(terms)
    return dict(pos_tag(ordered, engine="unigram", corpus="orchid_ud")) if ordered else {}


def _content(term: str) -> bool:
    """Worth being part of a theme: Thai or Latin letters, not a stopword, not a number."""
    from ingest.tokens import is_stopword

    return (len(term) >= 2 and bool(_THAI.search(term) or re.search(r"[a-z]{2}", term))
            and not is_stopword(term))


# Metadata lines of GotoKnow posts and thaigov news (record number, licence, source).
_METADATA_LINE = re.compile(
    r"^(?:หมายเลขบันทึก|คำสำคัญ|บันทึกนี้เขียนที่|ที่มา\s*:|IP:|เขียนเมื่อ|ความเห็น\s*\(\d+\))")


def _lines(texts: Sequence[str]) -> list[list[str]]:
    """Each text's distinct lines, without metadata lines and lines several texts repeat."""
    per_doc = [list(dict.fromkeys(ln.strip() for ln in t.splitlines()
                                  if ln.strip() and not _METADATA_LINE.match(ln.strip())))
               for t in texts]
    shared = Counter(ln for lines in per_doc for ln in lines if len(ln) >= 12)
    return [[ln for ln in lines if shared.get(ln, 0) < 2] for lines in per_doc]


def discover_themes(
    texts: Sequence[str],
    scheme: PracticeScheme | None = None,
    *,
    top_n: int = 20,
    min_docs: int = 2,
    min_words: int = 2,
    max_words: int = 3,
    max_doc_ratio: float = 0.5,
) -> list[DiscoveredTheme]:
    """Key phrases of a collection that the curated scheme does not cover yet.

    Args:
        texts: the notes (whole texts).
        scheme: the curated scheme to exclude (default: ``graph.practices.load_scheme()``).
        top_n: how many themes to return.
        min_docs: fewest texts a theme must occur in (capped at ``len(texts)``).
        min_words: shortest phrase, in tokens (single words are rarely themes:
            the tokeniser already keeps known compounds whole).
        max_words: longest phrase, in tokens.
        max_doc_ratio: most texts, as a share, a theme may occur in (applied
            from four texts up).

    Returns:
        Themes, best first.

    Raises:
        InputError: ``top_n`` or ``min_words`` is below 1, or ``max_words`` below ``min_words``.
    """
    if top_n < 1 or min_words < 1 or max_words < min_words:
        raise InputError(f"need top_n >= 1 and 1 <= min_words <= max_words (got top_n={top_n}, "
                         f"min_words={min_words}, max_words={max_words})")
    if not texts:
        return []
    from graph.practices import _fold, load_scheme
    from ingest.tokens import default_tokenizer, normalize_term

    scheme = scheme or load_scheme()
    counts: Counter[tuple[str, ...]] = Counter()
    docs: defaultdict[tuple[str, ...], set[int]] = defaultdict(set)
    surfaces: defaultdict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    segment = default_tokenizer().segment
    for i, lines in enumerate(_lines(texts)):
        for line in lines:
            run: list[tuple[str, str]] = []
            for piece in [*segment(line), " "]:
                term = normalize_term(piece)
                # A token that lost edge punctuation (พอช., "ทุน") is an acronym or a quote.
                if term and term == _fold(piece.strip()) and _content(term):
                    run.append((term, piece.strip()))
                    continue
                for a in range(len(run)):
                    for n in range(1, min(max_words, len(run) - a) + 1):
                        gram = tuple(t for t, _ in run[a:a + n])
                        counts[gram] += 1
                        docs[gram].add(i)
                        surfaces[gram][_join([s for _, s in run[a:a + n]])] += 1
                run = []
    return _rank(counts, docs, surfaces, len(texts), scheme, top_n=top_n, min_words=min_words,
                 min_docs=min(min_docs, len(texts)), max_doc_ratio=max_doc_ratio)


def _join(parts: Sequence[str]) -> str:
    out = parts[0]
    for p in parts[1:]:
        out += (" " if out[-1:].isascii() and p[:1].isascii() else "") + p
    return out


@lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    """Family names and country names (PyThaiNLP lists): a phrase that is one is no theme."""
    from pythainlp.corpus import countries, thai_family_names

    return frozenset(thai_family_names()) | frozenset(countries())


def _excluded(gram: tuple[str, ...], labels: Sequence[str], places: frozenset[str]) -> bool:
    from ingest.tokens import default_tokenizer

    words = default_tokenizer()
    joined = "".join(gram)
    if gram[0] in _NOT_FIRST or gram[-1] in _OPEN_ENDS or any(t in _TIME_WORDS for t in gram):
        return True
    # Short pieces and non-words are what the tokeniser leaves of a word it does not
    # know (โค|โร|นา of โคโรนา): a phrase of them is an artefact, not a theme.
    if any(len(t) < 3 or (t not in words and not t.isascii()) for t in gram):
        return True
    if any(t.startswith(h) for t in gram for h in _ACTOR_HEADS if len(h) > 2 or t == h):
        return True  # an office or an organisation: an actor
    if joined in places or joined in _names() or any(t in places for t in gram if len(t) > 3):
        return True
    if any(t in _AREA_WORDS or t.startswith("ภาค") and len(t) > 4 for t in gram):
        return True  # จังหวัดภาคใต้ is a place
    if any(t in _names() for t in gram):
        return True  # สาธารณรัฐประชาชนจีน
    # Tokens that only came out this way in context (แนว|ทางการ of แนวทางการ…) are not a phrase.
    if tuple(words.segment(joined)) != gram and not joined.isascii():
        return True
    for tail in _GLUED_TAILS:  # แนวทาง|การ read as แนว|ทางการ: a word and a loose particle
        if joined.endswith(tail) and joined[:-len(tail)] in words:
            return True
    return any(label in joined or joined in label for label in labels)


def _rank(counts: Counter[tuple[str, ...]], docs: Mapping[tuple[str, ...], set[int]],
          surfaces: Mapping[tuple[str, ...], Counter[str]], n_docs: int,
          scheme: PracticeScheme, *, top_n: int, min_words: int, min_docs: int,
          max_doc_ratio: float) -> list[DiscoveredTheme]:
    from graph.gazetteer import name_index

    idx = name_index()
    places = frozenset({*idx.provinces, *idx.districts, *idx.subdistricts, *idx.khet})
    labels = list(scheme._by_label)
    background, bg_total = _background()
    total = sum(c for g, c in counts.items() if len(g) == 1) or 1

    def topical(term: str) -> float:
        here = counts[(term,)] / total
        there = (_background_count(term, background) + 1) / bg_total
        return max(0.0, math.log(here / there))

    candidates = [
        g for g, c in counts.items()
        if len(g) >= min_words and c >= 2 and len(docs[g]) >= min_docs
        and not (n_docs >= 4 and len(docs[g]) > max_doc_ratio * n_docs)
    ]
    tags = _tags({t for g in candidates for t in (g[0], g[-1])})
    scored: dict[tuple[str, ...], float] = {}
    for gram in candidates:
        count, df = counts[gram], len(docs[gram])
        if tags.get(gram[0], "") in _BAD_FIRST or tags.get(gram[-1], "") in _BAD_LAST:
            continue
        if _excluded(gram, labels, places):
            continue
        cohesion = 1.0
        if len(gram) > 1:
            p_gram = count / total
            p_head, p_tail = counts[gram[:1]] / total, counts[gram[1:]] / total
            cohesion = math.log(p_gram / (p_head * p_tail)) / -math.log(p_gram)
            if cohesion < _MIN_NPMI:
                continue
        topicality = sum(topical(t) for t in gram) / len(gram)
        if joined_count := background.get("".join(gram)):
            # The phrase is itself a common word of general Thai (ประเทศไทย): background.
            topicality = min(topicality, max(0.0, math.log(
                count / total / ((joined_count + 1) / bg_total))))
        if topicality > 0:
            scored[gram] = df * math.log2(1 + count) * topicality * cohesion
    # A phrase that mostly occurs inside a longer candidate gives way to it.
    for gram in [g for g in scored if len(g) > 1]:
        for n in range(1, len(gram)):
            for a in range(len(gram) - n + 1):
                part = gram[a:a + n]
                if part in scored and counts[gram] >= 0.7 * counts[part]:
                    scored[part] = 0.0
    ranked = sorted((g for g in scored if scored[g] > 0), key=lambda g: (-scored[g], "".join(g)))
    out: list[DiscoveredTheme] = []
    chosen: list[str] = []
    for gram in ranked:
        joined = "".join(gram)
        if any(joined in c or c in joined for c in chosen):
            continue  # one theme per phrase family: ภาคีสนับสนุน, not also ภาคีสนับสนุนทุกภาค
        chosen.append(joined)
        key = "discovered-" + hashlib.sha256(joined.encode("utf-8")).hexdigest()[:10]
        label = sorted(surfaces[gram].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        out.append(DiscoveredTheme(key, _iri(key), label, round(scored[gram], 4),
                                   counts[gram], tuple(sorted(docs[gram])), gram))
        if len(out) == top_n:
            break
    return out


def _iri(key: str) -> str:
    from graph.vocab import practice_iri

    return practice_iri(key)
