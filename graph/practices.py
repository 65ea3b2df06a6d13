"""Practices: the curated SKOS scheme and finding practices in text.

The scheme lives in ``graph/data/practices.ttl`` (SKOS in Turtle, read with
rdflib): concepts with Thai and English prefLabels, altLabels for the variants
people write, hiddenLabels for misspellings, broader/narrower, and a
``skos:notation`` that is the key of every practice mention.

Matching runs one Aho-Corasick automaton (pyahocorasick) over a normalised copy
of the text, with spaces removed and Thai digits read as Arabic, so
"สัจจะลดรายจ่ายวันละ 1 บาท", "สัจจะลดรายจ่ายวันละ1บาท" and "วันละ ๑ บาท" all match;
offsets are mapped back to the text as given. Where labels overlap the longest
wins ("กองทุนสวัสดิการชุมชน", not "สวัสดิการชุมชน" inside it).

Themes the scheme lacks are found by :func:`discover_themes` (module
:mod:`graph.themes`, re-exported here) and marked as discovered, not curated.

Example:
    >>> [(m.label, m.key) for m in find_practices("เครือข่ายสัจจะลดรายจ่ายวันละ1บาท จ.สงขลา")]
    [('สัจจะลดรายจ่ายวันละ1บาท', 'one-baht-a-day')]
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from fieldnotes.errors import ConfigError, NotFoundError
from graph.models import Mention
from graph.themes import DiscoveredTheme, discover_themes

__all__ = [
    "Concept",
    "PracticeScheme",
    "DiscoveredTheme",
    "SCHEME_PATH",
    "load_scheme",
    "find_practices",
    "discover_themes",
    "match_form",
]

#: The curated scheme shipped with the package.
SCHEME_PATH = Path(str(resources.files("graph").joinpath("data/practices.ttl")))

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_GAPS = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")
_ZERO_WIDTH = "\u200b\u200c\u200d\ufeff"
_DIGIT_PAIRS = tuple(zip("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_SAFE_KEY = re.compile(r"^[a-z0-9][a-z0-9.-]*$")


def _fold(text: str) -> str:
    """Thai digits as Arabic and lower case, one character for one (so offsets survive)."""
    for thai, arabic in _DIGIT_PAIRS:
        if thai in text:
            text = text.replace(thai, arabic)
    lowered = text.lower()
    # str.lower is fast but may lengthen a few letters (İ); then fold ASCII only.
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)


def match_form(text: str) -> str:
    """The form labels and text are compared in: no spaces, Arabic digits, lower case.

    Example:
        >>> match_form("สัจจะลดรายจ่ายวันละ ๑ บาท")
        'สัจจะลดรายจ่ายวันละ1บาท'
    """
    return _fold(_GAPS.sub("", text)).replace("\u0e4d\u0e32", "\u0e33")


class _Offsets:
    """The :func:`match_form` of a text, and the way back to offsets in the text as given.

    The fast path (``str.split``, several times quicker than a regex on Thai text)
    maps runs between spaces; a text with zero-width characters or a นิคหิต + สระอา
    pair (typed for สระอำ) takes a per-character map instead.
    """

    def __init__(self, text: str) -> None:
        self.chars: list[int] | None = None
        if "\u0e4d\u0e32" in text or any(z in text for z in _ZERO_WIDTH):
            self._per_char(text)
            return
        self._text = text
        self._parts = text.split()
        self.norm = _fold("".join(self._parts))
        self._starts: tuple[list[int], list[int]] | None = None  # built on first use

    def _runs(self) -> tuple[list[int], list[int]]:
        if self._starts is None:
            orig: list[int] = []
            pos = 0
            for part in self._parts:
                pos = self._text.find(part, pos)
                orig.append(pos)
                pos += len(part)
            self._starts = (list(accumulate(map(len, self._parts), initial=0))[:-1], orig)
        return self._starts

    def _per_char(self, text: str) -> None:
        chars: list[int] = []
        out: list[str] = []
        for i, ch in enumerate(text):
            if ch.isspace() or ch in _ZERO_WIDTH:
                continue
            if ch == "\u0e32" and out and out[-1] == "\u0e4d":
                out[-1] = "\u0e33"  # นิคหิต + สระอา → สระอำ, mapped to the นิคหิต
                continue
            chars.append(i)
            out.append(ch)
        self.chars = chars
        self.norm = _fold("".join(out))

    def orig(self, i: int) -> int:
        """Offset in the given text of character ``i`` of the normalised text."""
        if self.chars is not None:
            return self.chars[i]
        norm_starts, orig_starts = self._runs()
        k = bisect_right(norm_starts, i) - 1
        return orig_starts[k] + i - norm_starts[k]


@dataclass(frozen=True)
class Concept:
    """One practice or theme of the scheme.

    Attributes:
        key: the ``skos:notation``, e.g. ``"one-baht-a-day"``; the key of its mentions.
        iri: the concept's IRI.
        label: Thai prefLabel, e.g. ``"สัจจะลดรายจ่ายวันละ 1 บาท"``.
        label_en: English prefLabel.
        alt_labels: altLabels (variants people write), any language.
        hidden_labels: hiddenLabels (misspellings matched but never shown).
        broader: keys of broader concepts.
        narrower: keys of narrower concepts.
        related: keys of related concepts.
        definition: ``skos:definition`` (English) if any.
    """

    key: str
    iri: str
    label: str
    label_en: str
    alt_labels: tuple[str, ...] = ()
    hidden_labels: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    narrower: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    definition: str | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        """Every label that finds this concept in text."""
        return (self.label, self.label_en, *self.alt_labels, *self.hidden_labels)


@dataclass(frozen=True, eq=False)
class PracticeScheme:
    """The loaded concept scheme.

    Attributes:
        iri: IRI of the ``skos:ConceptScheme``.
        label: the scheme's Thai prefLabel.
        path: the Turtle file it was read from.
        concepts: key → :class:`Concept`, sorted by key.
    """

    iri: str
    label: str
    path: str
    concepts: Mapping[str, Concept]
    _by_label: Mapping[str, str] = field(repr=False, default_factory=dict)
    _automaton: Any = field(repr=False, default=None)

    def concept(self, key: str) -> Concept:
        """The concept with this key (notation).

        Raises:
            NotFoundError: no such concept; the message lists close keys.
        """
        found = self.concepts.get(key)
        if found is None:
            close = [k for k in self.concepts if key[:4] and k.startswith(key[:4])][:5]
            raise NotFoundError(f"no practice concept {key!r} in {self.path}"
                                + (f"; did you mean {', '.join(close)}?" if close else ""))
        return found

    def lookup(self, label: str) -> Concept | None:
        """The concept that has ``label`` (any label, compared in :func:`match_form`)."""
        key = self._by_label.get(match_form(label))
        return None if key is None else self.concepts[key]

    def top_concepts(self) -> list[Concept]:
        """Concepts without a broader one."""
        return [c for c in self.concepts.values() if not c.broader]

    def descendants(self, key: str) -> list[str]:
        """Keys of every concept below ``key`` (narrower, transitively), depth first."""
        out: list[str] = []
        stack = list(reversed(self.concept(key).narrower))
        while stack:
            k = stack.pop()
            if k not in out:
                out.append(k)
                stack.extend(reversed(self.concepts[k].narrower))
        return out


def _texts(graph: Any, subject: Any, predicate: Any, lang: str | None = None) -> list[str]:
    return sorted(str(o) for o in graph.objects(subject, predicate)
                  if lang is None or getattr(o, "language", None) == lang)


def load_scheme(path: str | Path | None = None) -> PracticeScheme:
    """Read and check a SKOS practice scheme (default: the shipped ``practices.ttl``).

    Raises:
        ConfigError: the file is missing or not Turtle, or a concept lacks a Thai
            or English prefLabel or a notation, two concepts share a label, or
            broader and narrower disagree. The message names the concept.
    """
    return _load(str(Path(path) if path is not None else SCHEME_PATH))


@lru_cache(maxsize=8)
def _load(path: str) -> PracticeScheme:
    import rdflib
    from rdflib.namespace import RDF, SKOS

    if not Path(path).is_file():
        raise ConfigError(f"practice scheme {path} does not exist; give a SKOS Turtle file")
    graph = rdflib.Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several parser error types
        raise ConfigError(f"practice scheme {path} is not valid Turtle: {exc}") from None
    scheme_iri = next(iter(graph.subjects(RDF.type, SKOS.ConceptScheme)), None)
    if scheme_iri is None:
        raise ConfigError(f"{path} has no skos:ConceptScheme; declare one and put the "
                          "concepts in it with skos:inScheme")
    keys: dict[Any, str] = {}
    for s in sorted(graph.subjects(RDF.type, SKOS.Concept)):
        notation = _texts(graph, s, SKOS.notation)
        if len(notation) != 1 or not _SAFE_KEY.match(notation[0]):
            raise ConfigError(f"{path}: concept {s} needs exactly one skos:notation in lower "
                              f"case letters, digits, '.' or '-' (got {notation})")
        if notation[0] in keys.values():
            raise ConfigError(f"{path}: notation {notation[0]!r} is used twice; make it unique")
        keys[s] = notation[0]
    concepts: dict[str, Concept] = {}
    by_label: dict[str, str] = {}
    for s, key in sorted(keys.items(), key=lambda kv: kv[1]):
        th, en = _texts(graph, s, SKOS.prefLabel, "th"), _texts(graph, s, SKOS.prefLabel, "en")
        if len(th) != 1 or len(en) != 1:
            raise ConfigError(f"{path}: concept {key!r} needs one Thai and one English "
                              f"skos:prefLabel (\"…\"@th, \"…\"@en); it has {th + en}")

        def refs(pred: Any, key: str = key) -> tuple[str, ...]:
            out = []
            for o in graph.objects(s, pred):
                if o not in keys:
                    raise ConfigError(f"{path}: concept {key!r} points to {o}, which is not a "
                                      "skos:Concept of the scheme")
                out.append(keys[o])
            return tuple(sorted(out))

        definition = _texts(graph, s, SKOS.definition)
        concept = Concept(key, str(s), th[0], en[0], tuple(_texts(graph, s, SKOS.altLabel)),
                          tuple(_texts(graph, s, SKOS.hiddenLabel)), refs(SKOS.broader),
                          refs(SKOS.narrower), refs(SKOS.related),
                          definition[0] if definition else None)
        for label in concept.labels:
            form = match_form(label)
            if by_label.get(form, key) != key:
                raise ConfigError(f"{path}: label {label!r} belongs to both {by_label[form]!r} "
                                  f"and {key!r}; keep it on one concept")
            by_label[form] = key
        concepts[key] = concept
    for c in concepts.values():
        for b in c.broader:
            if c.key not in concepts[b].narrower:
                raise ConfigError(f"{path}: {c.key!r} has skos:broader {b!r} but {b!r} lacks "
                                  f"skos:narrower {c.key!r}; add it")
        for n in c.narrower:
            if c.key not in concepts[n].broader:
                raise ConfigError(f"{path}: {c.key!r} has skos:narrower {n!r} but {n!r} lacks "
                                  f"skos:broader {c.key!r}; add it")
    label = _texts(graph, scheme_iri, SKOS.prefLabel, "th")
    return PracticeScheme(str(scheme_iri), label[0] if label else "", path, concepts,
                          by_label, _automaton(by_label))


def _automaton(by_label: Mapping[str, str]) -> Any:
    import ahocorasick

    auto = ahocorasick.Automaton()
    for form, key in by_label.items():
        if form:
            auto.add_word(form, (key, len(form), bool(_ASCII_WORD.match(form[0]))))
    auto.make_automaton()
    return auto


def find_practices(text: str, scheme: PracticeScheme | None = None) -> list[Mention]:
    """Practices named in ``text`` (labels, altLabels, hiddenLabels of the scheme).

    Args:
        text: any text; offsets point into it as given.
        scheme: the scheme to match (default: :func:`load_scheme`).

    Returns:
        Mentions of type and kind ``practice``, ``key`` = concept notation,
        ``source="scheme"``, sorted by start, never overlapping.

    Example:
        >>> [m.key for m in find_practices("ใช้แนวคิด3เหลี่ยมเขยื้อนภูเขา และ KM")]
        ['triangle-moves-mountain', 'knowledge-management']
    """
    if not text:
        return []
    scheme = scheme or load_scheme()
    if scheme._automaton is None or len(scheme._automaton) == 0:
        return []
    offsets = _Offsets(text)
    out: list[Mention] = []
    for last, (key, length, ascii_word) in scheme._automaton.iter_long(offsets.norm):
        start, end = offsets.orig(last + 1 - length), offsets.orig(last) + 1
        end += text[end - 1:end + 1] == "\u0e4d\u0e32"  # the label ends in a typed สระอำ
        # A Latin label must be a whole word: KM, not the KM of KMUTT.
        if ascii_word and (_ASCII_WORD.match(text[start - 1:start] or " ")
                           or _ASCII_WORD.match(text[end:end + 1] or " ")):
            continue
        out.append(Mention(start, end, text[start:end], "practice", "practice", key, "scheme"))
    return out
