"""Train the CRF of :mod:`graph.tagger` on ThaiNER 1.5 and read files in ThaiNER format.

ThaiNER 1.5 (CC BY 3.0, Wannaphong Phatthiyaphaibun / PyThaiNLP) writes one
sentence a line with inline tags: ``[PERSON]นายสมชาย ใจดี[/PERSON] อธิบดี
[ORGANIZATION]กรมการค้าภายใน[/ORGANIZATION]``. Tokens come from the project's
tokeniser (:func:`graph.ner_tokens.segment`); where an entity boundary falls inside
a token, the token is cut there for training, so the labels stay exact. The
rules of :mod:`graph.actors` and :mod:`graph.people` run over each line and their findings become
features ("the rules say B-ORG here"), so the model learns how far to trust
them; retrain after changing the rules.

Usage::

    python -m graph.train_tagger --train ../shared/benchmarks/thainer-1.5/train.txt \\
        --out graph/data/thainer-crf.model

Never train on the validation file: it is only for measuring (``bench.ner``).
ThaiNER 1.5's ``train.txt`` as distributed *contains* ``val.txt`` (its last 510
lines are the 510 validation lines), so lines whose text is in the validation
file are left out of training: by default the ``val.txt`` next to the training
file, or the file given with ``--exclude`` (``--exclude none`` keeps all).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from fieldnotes.errors import InputError
from graph.ner_features import rule_hints, sequence_features
from graph.ner_tokens import segment
from ingest.models import Token

__all__ = [
    "Sentence",
    "parse_line",
    "read_thainer",
    "training_sentences",
    "bio_sequence",
    "sentence_features",
    "train",
    "main",
]

_TAG = re.compile(r"\[(/?)([A-Z_]+)\]")


@dataclass(frozen=True)
class Sentence:
    """One line of a ThaiNER file: the plain text and its gold spans.

    Attributes:
        text: the line without tags.
        spans: ``(start, end, TYPE)`` into ``text``, whitespace trimmed, in order.
    """

    text: str
    spans: tuple[tuple[int, int, str], ...]


def parse_line(line: str) -> Sentence:
    """Split a ThaiNER line into text and spans.

    Example:
        >>> parse_line("อธิบดี[ORGANIZATION]กรมการค้าภายใน[/ORGANIZATION] กล่าว").spans
        ((6, 20, 'ORGANIZATION'),)
    """
    parts: list[str] = []
    spans: list[tuple[int, int, str]] = []
    open_tag: tuple[str, int] | None = None
    length = 0
    last = 0
    for m in _TAG.finditer(line):
        piece = line[last : m.start()]
        parts.append(piece)
        length += len(piece)
        last = m.end()
        closing, name = m.group(1), m.group(2)
        if not closing:
            open_tag = (name, length)
        elif open_tag is not None and open_tag[0] == name:
            spans.append((open_tag[1], length, name))
            open_tag = None
    parts.append(line[last:])
    text = "".join(parts)
    trimmed = []
    for s, e, name in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            trimmed.append((s, e, name))
    return Sentence(text, tuple(trimmed))


def read_thainer(path: str | Path) -> Iterator[Sentence]:
    """Sentences of a ThaiNER-format file (UTF-8, an optional BOM).

    Raises:
        InputError: the file does not exist.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"ThaiNER file {p} not found; give the path of train.txt or val.txt")
    with p.open(encoding="utf-8-sig") as fh:
        for raw in fh:
            line = raw.rstrip("\r\n").replace("\ufeff", "")
            if line.strip():
                yield parse_line(line)


def _cut_tokens(toks: Sequence[Token], text: str, cuts: set[int]) -> list[Token]:
    out: list[Token] = []
    for t in toks:
        inner = sorted(c for c in cuts if t.start < c < t.end)
        start = t.start
        for c in [*inner, t.end]:
            if text[start:c].strip():
                out.append(Token(text[start:c], start, c))
            start = c
    return out


def bio_sequence(
    sent: Sentence, types: Sequence[str] | None = None
) -> tuple[list[Token], list[str]]:
    """Tokens of a sentence (cut at entity boundaries) and their BIO labels.

    Args:
        sent: a parsed ThaiNER line.
        types: entity types to keep (default: all); others are labelled ``O``.
    """
    spans = [s for s in sent.spans if types is None or s[2] in types]
    cuts = {s for s, _, _ in spans} | {e for _, e, _ in spans}
    toks = _cut_tokens(segment(sent.text), sent.text, cuts)
    labels = ["O"] * len(toks)
    for s, e, name in spans:
        first = True
        for i, t in enumerate(toks):
            if t.start >= s and t.end <= e:
                labels[i] = ("B-" if first else "I-") + name
                first = False
    return toks, labels


def _excluded_texts(path: str | Path | None) -> set[str]:
    if path is None:
        return set()
    return {s.text.strip() for s in read_thainer(path)}


def training_sentences(
    train_path: str | Path, exclude: str | Path | None = None
) -> tuple[list[Sentence], int]:
    """Training sentences without those whose text is in ``exclude``; and how many were dropped."""
    banned = _excluded_texts(exclude)
    kept: list[Sentence] = []
    dropped = 0
    for sent in read_thainer(train_path):
        if sent.text.strip() in banned:
            dropped += 1
        else:
            kept.append(sent)
    return kept, dropped


def sentence_features(sent: Sentence, toks: Sequence[Token], rules: bool) -> list[list[str]]:
    """Features of a training sentence, with the rules' hints when ``rules``."""
    if not rules:
        return sequence_features(sent.text, toks)
    from graph.actors import find_actors

    return sequence_features(sent.text, toks, rule_hints(toks, find_actors(sent.text)))


def train(
    train_path: str | Path,
    out: str | Path,
    *,
    exclude: str | Path | None = None,
    c1: float = 0.05,
    c2: float = 0.05,
    max_iterations: int = 250,
    rules: bool = True,
    holdout: float = 0.0,
    verbose: bool = False,
) -> dict[str, float]:
    """Train the CRF and write the model file.

    Args:
        train_path: ThaiNER training file.
        out: where to write the model.
        exclude: a ThaiNER file (the validation set) whose lines must not be
            trained on.
        c1: L1 regularisation (sparsity: keeps the model small).
        c2: L2 regularisation.
        max_iterations: L-BFGS iterations.
        rules: give the model the hints of the rules (:func:`graph.ner_features.rule_hints`
            over :func:`graph.actors.find_actors`) as features; the model then
            needs them at run time and must be retrained when the rules change.
        holdout: fraction of the training lines (every k-th) kept out of
            training and used to report exact-span F1 (for tuning; 0 = none).
        verbose: print crfsuite's progress.

    Returns:
        ``{"sentences", "excluded", "seconds", "model_mb"}`` plus
        ``"holdout_f1"`` when ``holdout`` > 0.
    """
    import pycrfsuite

    sentences, dropped = training_sentences(train_path, exclude)
    step = int(round(1 / holdout)) if holdout > 0 else 0
    held = [s for i, s in enumerate(sentences) if step and i % step == 0]
    used = [s for i, s in enumerate(sentences) if not (step and i % step == 0)]
    trainer = pycrfsuite.Trainer(verbose=verbose)
    t0 = time.perf_counter()
    for sent in used:
        toks, labels = bio_sequence(sent)
        if toks:
            trainer.append(sentence_features(sent, toks, rules), labels)
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": max_iterations,
            "feature.possible_transitions": True,
        }
    )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    result = {
        "sentences": float(len(used)),
        "excluded": float(dropped),
        "seconds": round(time.perf_counter() - t0, 1),
        "model_mb": round(out.stat().st_size / 1e6, 2),
    }
    if held:
        from graph.tagger import Tagger

        tagger = Tagger(out)
        tp = fp = fn = 0
        for sent in held:
            gold = {s for s in sent.spans if s[2] in ("PERSON", "ORGANIZATION", "LOCATION")}
            pred = set(tagger.spans(sent.text))
            tp += len(gold & pred)
            fp += len(pred - gold)
            fn += len(gold - pred)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        result["holdout_f1"] = round(2 * p * r / (p + r) if p + r else 0.0, 4)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m graph.train_tagger --train FILE --out MODEL``."""
    ap = argparse.ArgumentParser(prog="python -m graph.train_tagger", description=__doc__.split("\n")[0])
    ap.add_argument("--train", required=True, help="ThaiNER-format training file")
    ap.add_argument("--out", required=True, help="model file to write")
    ap.add_argument("--exclude", default="auto",
                    help="ThaiNER file whose lines are never trained on "
                         "(default: val.txt beside the training file; 'none' for none)")
    ap.add_argument("--c1", type=float, default=0.05)
    ap.add_argument("--c2", type=float, default=0.05)
    ap.add_argument("--iterations", type=int, default=250)
    ap.add_argument("--no-rules", action="store_true",
                    help="do not give the model the rules' hints (graph.actors) as features")
    ap.add_argument("--holdout", type=float, default=0.0,
                    help="fraction of training lines held out to report F1 (tuning only)")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    exclude: Path | None = None
    if args.exclude == "auto":
        sibling = Path(args.train).with_name("val.txt")
        exclude = sibling if sibling.is_file() and sibling != Path(args.train) else None
    elif args.exclude != "none":
        exclude = Path(args.exclude)
    try:
        result = train(args.train, args.out, exclude=exclude, c1=args.c1, c2=args.c2,
                       max_iterations=args.iterations, rules=not args.no_rules,
                       holdout=args.holdout,
                       verbose=args.verbose)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
