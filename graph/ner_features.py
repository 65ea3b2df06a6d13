"""Features of the CRF tagger (:mod:`graph.tagger`) and reading its labels.

Each token gets: the word, its shape (Thai character classes: consonant,
leading vowel, vowel, tone, digit, Latin, punctuation), prefixes and suffixes
of one to three characters, whether whitespace is on either side, membership in
the lexicons of :mod:`graph.lexicon` (person titles, organisation heads, place
prefixes, first and family names, geothai area names, countries, the Thai word
list, dotted abbreviations), the same word/shape/lexicon flags of the tokens up
to two away, the word pairs with its neighbours and, for a model trained with
them, what the rules say of it and its neighbours (:func:`rule_hints`).

Changing any feature means retraining the model (``python -m graph.train_tagger``).

Example:
    >>> from graph.ner_tokens import segment
    >>> text = "นายสมชาย ใจดี"
    >>> "title=strong" in sequence_features(text, segment(text))[0]
    True
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Sequence

from graph.lexicon import (
    PLACE_PREFIXES,
    area_names,
    country_names,
    dictionary_words,
    family_names,
    first_names,
    head_of,
    org_heads,
    person_titles,
)
from graph.models import Mention
from ingest.models import Token

__all__ = ["sequence_features", "rule_hints", "spans_from_labels", "to_bioes"]

_LEADING_VOWELS = frozenset("เแโใไ")
_TONES = frozenset("่้๊๋็์")


def _char_class(c: str) -> str:
    if "ก" <= c <= "ฮ":
        return "C"
    if c in _LEADING_VOWELS:
        return "L"
    if c in _TONES:
        return "T"
    if "ะ" <= c <= "ู" or c in "ๅๆฯ":
        return "V"
    if c.isdigit():
        return "D"
    if c.isascii() and c.isalpha():
        return "A" if c.isupper() else "a"
    if c == ".":
        return "."
    if c.isspace():
        return "S"
    return "P"


def _shape(word: str) -> str:
    out: list[str] = []
    for c in word:
        k = _char_class(c)
        if not out or out[-1] != k:
            out.append(k)
    return "".join(out[:6])


@lru_cache(maxsize=200_000)
def _word_features(word: str) -> tuple[str, ...]:
    """Features of a word on its own (cached: Thai text repeats its words)."""
    norm = unicodedata.normalize("NFC", word)
    low = norm.lower()
    titles = person_titles()
    heads = org_heads()
    feats = [
        "w=" + low,
        "shape=" + _shape(norm),
        "len=" + str(min(len(norm), 12)),
        "p1=" + norm[:1],
        "p2=" + norm[:2],
        "p3=" + norm[:3],
        "s1=" + norm[-1:],
        "s2=" + norm[-2:],
        "s3=" + norm[-3:],
    ]
    if norm in titles:
        feats.append("title=" + titles[norm])
    head = head_of(norm)
    if head is not None:
        feats.append("head=" + head)
        feats.append("headkind=" + heads[head])
        if head == norm:
            feats.append("barehead")
    if norm in PLACE_PREFIXES:
        feats.append("placeprefix")
    if norm in first_names():
        feats.append("first")
    if norm in family_names():
        feats.append("family")
    if norm in area_names():
        feats.append("area")
    if norm in country_names():
        feats.append("country")
    if norm in dictionary_words():
        feats.append("dict")
    if norm.endswith(".") and len(norm) > 1:
        feats.append("abbr")
    return tuple(feats)


_OFFSETS = (-2, -1, 1, 2)
_EDGE = tuple((f"{d}:edge",) for d in _OFFSETS)


@lru_cache(maxsize=200_000)
def _context_features(word: str) -> tuple[tuple[str, ...], ...]:
    """What a word says about its neighbours, for each offset of the window."""
    own = _word_features(word)
    # own[0] is "w=…", own[1] "shape=…", own[9:] the lexicon flags.
    picked = (own[0], own[1], *own[9:])
    return tuple(tuple(f"{d}:{f}" for f in picked) for d in _OFFSETS)


def rule_hints(toks: Sequence[Token], mentions: Sequence[Mention]) -> list[str]:
    """What the rules (:mod:`graph.actors`) say of each token: ``B-PER``, ``I-ORG``, ``O`` …

    The tagger reads them as features, so it learns how far to trust the rules.
    """
    hints = ["O"] * len(toks)
    spans = sorted((m.start, m.end, "PER" if m.kind == "person" else "ORG") for m in mentions)
    i = 0
    for start, end, typ in spans:
        while i < len(toks) and toks[i].end <= start:
            i += 1
        j = i
        first = True
        while j < len(toks) and toks[j].start < end:
            hints[j] = ("B-" if first else "I-") + typ
            first = False
            j += 1
    return hints


@lru_cache(maxsize=200_000)
def _known_word_features(word: str, known: frozenset[str]) -> tuple[str, ...]:
    return tuple(f for f in _word_features(word) if f in known)


@lru_cache(maxsize=200_000)
def _known_context_features(word: str, known: frozenset[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(f for f in fs if f in known) for fs in _context_features(word))


def sequence_features(
    text: str,
    toks: Sequence[Token],
    hints: Sequence[str] | None = None,
    known: frozenset[str] | None = None,
) -> list[list[str]]:
    """CRF features of each token (its own, the gaps around it, and a ±2 window).

    Args:
        text: the text the tokens point into (to see whitespace between them).
        toks: tokens from :func:`graph.ner_tokens.segment`, one sequence (a line).
        hints: :func:`rule_hints` for the tokens, for a model trained with them.
        known: the attributes a model knows; others are left out (the model
            would ignore them anyway, and handing them over costs time).
    """
    n = len(toks)
    words = [t.text for t in toks]
    lows = [_word_features(w)[0][2:] for w in words]
    if known is None:
        own = [_word_features(w) for w in words]
        ctx = [_context_features(w) for w in words]
    else:
        own = [_known_word_features(w, known) for w in words]
        ctx = [_known_context_features(w, known) for w in words]
    space_before = [i == 0 or toks[i - 1].end < t.start for i, t in enumerate(toks)]
    out: list[list[str]] = []
    for i in range(n):
        feats = ["bias", *own[i]]
        if space_before[i]:
            feats.append("sp<")
        if i + 1 >= n or space_before[i + 1]:
            feats.append("sp>")
        for k, d in enumerate(_OFFSETS):
            j = i + d
            feats.extend(ctx[j][k] if 0 <= j < n else _EDGE[k])
        if i > 0:
            pair = f"-1|0:{lows[i - 1]}|{lows[i]}"
            if known is None or pair in known:
                feats.append(pair)
        if i + 1 < n:
            pair = f"0|1:{lows[i]}|{lows[i + 1]}"
            if known is None or pair in known:
                feats.append(pair)
        if hints is not None:
            feats.append("R=" + hints[i])
            feats.append("R-1=" + (hints[i - 1] if i else "^"))
            feats.append("R+1=" + (hints[i + 1] if i + 1 < n else "$"))
        out.append(feats)
    return out


def spans_from_labels(
    toks: Sequence[Token], labels: Sequence[str]
) -> list[tuple[int, int, str]]:
    """Character spans ``(start, end, TYPE)`` of labelled runs over tokens.

    Reads BIO and BIOES labels. An ``I-``/``E-`` after ``O`` or after another
    type starts a new span (CRF output may do that).
    """
    spans: list[tuple[int, int, str]] = []
    cur: list = []
    for tok, lab in zip(toks, labels):
        if lab == "O":
            if cur:
                spans.append((cur[0], cur[1], cur[2]))
                cur = []
            continue
        prefix, _, typ = lab.partition("-")
        if prefix in ("B", "S") or not cur or cur[2] != typ:
            if cur:
                spans.append((cur[0], cur[1], cur[2]))
            cur = [tok.start, tok.end, typ]
        else:
            cur[1] = tok.end
        if prefix in ("S", "E"):
            spans.append((cur[0], cur[1], cur[2]))
            cur = []
    if cur:
        spans.append((cur[0], cur[1], cur[2]))
    return spans


def to_bioes(labels: Sequence[str]) -> list[str]:
    """BIO labels rewritten as BIOES (single-token spans ``S-``, last tokens ``E-``)."""
    out = list(labels)
    for i, lab in enumerate(labels):
        if lab == "O":
            continue
        prefix, _, typ = lab.partition("-")
        last = i + 1 >= len(labels) or labels[i + 1] != f"I-{typ}"
        if prefix == "B" and last:
            out[i] = f"S-{typ}"
        elif prefix == "I" and last:
            out[i] = f"E-{typ}"
    return out
