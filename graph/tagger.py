"""A statistical named-entity tagger: a CRF trained on ThaiNER 1.5.

The model (``graph/data/thainer-crf.model``) is a linear-chain CRF
(python-crfsuite) over the project's one tokeniser, :mod:`ingest.tokens`, with
punctuation split off the tokens (so ``(สกว.)`` gives ``(``, ``สกว.``, ``)``).
Features: the word, its shape and Thai character classes, prefixes and
suffixes, whether whitespace surrounds it, membership in the lexicons of
:mod:`graph.lexicon` (person titles, organisation heads, first and family names,
geothai area names, country names, the Thai word list), a ±2 window, and what
the rules of :mod:`graph.actors` say of the token (:func:`rule_hints`: the model
was trained with them, so it learns how far to trust them).

It was trained by :mod:`graph.train_tagger` on ThaiNER 1.5 (CC BY 3.0,
Wannaphong Phatthiyaphaibun / PyThaiNLP); the attribution travels with the model
(see ``graph/data/README.md``).

Example:
    >>> from graph.tagger import tag
    >>> [(m.label, m.kind) for m in tag("นายสมชาย ใจดี ผู้อำนวยการกรมการพัฒนาชุมชน")]
    [('นายสมชาย ใจดี', 'person'), ('กรมการพัฒนาชุมชน', 'organisation')]
"""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path
from typing import Sequence

from fieldnotes.errors import ModelError
from graph.lexicon import head_of, org_heads, strip_title
from graph.models import Mention
from graph.ner_features import rule_hints, sequence_features, spans_from_labels
from graph.ner_tokens import lines, segment
from ingest.models import Token

__all__ = ["MODEL_NAME", "ENTITY_LABELS", "Tagger", "default_tagger", "tag"]

#: File name of the bundled model inside ``graph/data``.
MODEL_NAME = "thainer-crf.model"
#: ThaiNER labels that become mentions; the others (DATE, MONEY …) are dropped.
ENTITY_LABELS = ("PERSON", "ORGANIZATION", "LOCATION")


class Tagger:
    """A loaded CRF model.

    Args:
        path: the model file (default: the bundled ``thainer-crf.model``).

    Raises:
        ModelError: the file is missing or is not a CRFsuite model.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        import pycrfsuite

        if path is None:
            path = Path(str(resources.files("graph").joinpath(f"data/{MODEL_NAME}")))
        self.path = Path(path)
        if not self.path.is_file():
            raise ModelError(
                f"tagger model {self.path} not found; train it with "
                f"`python -m graph.train_tagger --train <ThaiNER train.txt> --out {self.path}`"
            )
        self._tagger = pycrfsuite.Tagger()
        try:
            self._tagger.open(str(self.path))
        except Exception as exc:  # crfsuite raises a bare ValueError/OSError
            raise ModelError(f"{self.path} is not a CRFsuite model ({exc}); retrain it") from exc
        self._lock = threading.Lock()
        known = frozenset(a for a, _ in self._tagger.info().state_features)
        # Only attributes with a weight are handed to crfsuite (a quarter fewer).
        self._known = known
        # A model trained with the rules' hints as features needs them at run time.
        self.uses_rules = any(a.startswith("R=") for a in known)

    def labels(
        self, text: str, toks: Sequence[Token], hints: Sequence[str] | None = None
    ) -> list[str]:
        """Labels of ``toks`` (tokens of ``text``; ``hints`` from :func:`rule_hints`)."""
        if not toks:
            return []
        if self.uses_rules and hints is None:
            hints = rule_hints(toks, _rule_mentions(text))
        feats = sequence_features(text, toks, hints if self.uses_rules else None, self._known)
        # A crfsuite Tagger holds state between set() and viterbi(): serialise.
        with self._lock:
            return list(self._tagger.tag(feats))

    def spans(self, text: str, toks: Sequence[Token] | None = None) -> list[tuple[int, int, str]]:
        """``(start, end, TYPE)`` for every entity of :data:`ENTITY_LABELS` in ``text``.

        Args:
            text: the text.
            toks: its tokens from :func:`segment`, if already computed.
        """
        toks = segment(text) if toks is None else toks
        hints = rule_hints(toks, _rule_mentions(text)) if self.uses_rules else None
        out: list[tuple[int, int, str]] = []
        # Lines are independent for the model (ThaiNER is one sentence a line).
        pos = 0
        for line in lines(text, toks):
            line_hints = hints[pos : pos + len(line)] if hints is not None else None
            pos += len(line)
            for s, e, typ in spans_from_labels(line, self.labels(text, line, line_hints)):
                if typ in ENTITY_LABELS:
                    out.append((s, e, typ))
        return out

    def tag(self, text: str) -> list[Mention]:
        """Mentions of people, organisations and places in ``text`` (source ``tagger``)."""
        from graph.acronyms import acronym_table

        heads = org_heads()
        table = acronym_table()
        out: list[Mention] = []
        for s, e, typ in self.spans(text):
            label = text[s:e]
            if typ == "PERSON":
                out.append(Mention(s, e, label, "actor", "person", strip_title(label), "tagger"))
            elif typ == "ORGANIZATION":
                head = head_of(label)
                kind = heads[head] if head else "organisation"
                entry = table.get(label)
                key = entry.full_name if entry else label
                out.append(Mention(s, e, label, "actor", kind, key, "tagger"))
            else:
                out.append(Mention(s, e, label, "area", "place", None, "tagger"))
        return out


def _rule_mentions(text: str) -> list[Mention]:
    from graph.actors import find_actors

    return find_actors(text)


_default: Tagger | None = None
_default_lock = threading.Lock()


def default_tagger() -> Tagger:
    """The bundled model, loaded on first use and then shared by the process."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Tagger()
    return _default


def tag(text: str) -> list[Mention]:
    """Tag ``text`` with the bundled model.

    PERSON becomes an actor of kind ``person`` (key: the name without titles),
    ORGANIZATION an actor of kind ``organisation`` (``network``/``group`` by its
    head; key: the full name for a known acronym), LOCATION an area of kind
    ``place`` with key ``None`` (the areas module resolves real ones).

    Example:
        >>> [m.label for m in tag("เจ้าหน้าที่พอช.ลงพื้นที่จังหวัดพัทลุง")]
        ['พอช.', 'จังหวัดพัทลุง']
    """
    return default_tagger().tag(text)
