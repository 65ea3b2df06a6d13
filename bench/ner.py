"""NER benchmark: exact-span precision, recall and F1 on a file in ThaiNER format.

Types: PERSON (actors of kind person), ORGANIZATION (organisations, networks,
groups) and LOCATION (areas of any kind); other ThaiNER types (DATE, MONEY …)
and practices are ignored. A prediction counts only if its start, end and type
equal a gold span's. Micro average over the three types.

Systems:
    rules     rules only: acronyms, organisation heads, titles and name lists
              (graph.actors) plus the gazetteer (graph.areas) for LOCATION.
    tagger    the CRF alone (graph.tagger).
    combined  what the project uses: ``graph.extract.extract``.

Usage::

    python -m bench.ner --data ../shared/benchmarks/thainer-1.5/val.txt --system combined --json
    python -m bench.ner --seeds --system combined

Writes ``bench/results/ner_<system>.json``. ``--seeds`` measures instead on the
actors marked by hand in the five seed posts (field notes, not news:
``tests/data/graph_actors_seed_gold.json`` over ``corpus/``; PERSON and
ORGANIZATION only) and writes ``ner_<system>_seeds.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Callable, Iterable, Sequence

from fieldnotes.errors import FieldnotesError, InputError
from graph.models import Mention
from graph.train_tagger import Sentence, read_thainer

__all__ = [
    "TYPES",
    "SYSTEMS",
    "to_thainer_type",
    "score",
    "evaluate",
    "seed_sentences",
    "main",
]

#: The ThaiNER types scored.
TYPES = ("PERSON", "ORGANIZATION", "LOCATION")
#: The systems that can be measured.
SYSTEMS = ("rules", "tagger", "combined")
_RESULTS = Path(__file__).resolve().parent / "results"
_ROOT = Path(__file__).resolve().parents[1]
_SEED_GOLD = _ROOT / "tests/data/graph_actors_seed_gold.json"
_CORPUS = _ROOT / "corpus"


def to_thainer_type(m: Mention) -> str | None:
    """The ThaiNER type a mention counts as, or ``None`` (practices)."""
    if m.type == "actor":
        return "PERSON" if m.kind == "person" else "ORGANIZATION"
    if m.type == "area":
        return "LOCATION"
    return None


def _system(name: str) -> Callable[[str], list[Mention]]:
    if name == "rules":
        from graph.actors import find_actors
        from graph.areas import find_areas

        return lambda text: [*find_actors(text), *find_areas(text)]
    if name == "tagger":
        from graph.tagger import tag

        return tag
    if name == "combined":
        from graph.extract import extract

        return extract
    raise InputError(f"unknown system {name!r}; use one of {', '.join(SYSTEMS)}")


def score(
    gold: Iterable[tuple[int, int, str]], pred: Iterable[tuple[int, int, str]]
) -> dict[str, dict[str, float]]:
    """Counts and P/R/F1 per type and micro-averaged, from ``(sentence, start, end, type)`` sets.

    Args:
        gold: gold spans, each ``(sentence index, start, end, TYPE)`` (any hashable
            tuple whose last item is the type).
        pred: predicted spans in the same shape.
    """
    gold_set, pred_set = set(gold), set(pred)
    out: dict[str, dict[str, float]] = {}
    for typ in (*TYPES, "micro"):
        g = {x for x in gold_set if typ == "micro" or x[-1] == typ}
        p = {x for x in pred_set if typ == "micro" or x[-1] == typ}
        tp = len(g & p)
        prec = tp / len(p) if p else 0.0
        rec = tp / len(g) if g else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[typ] = {
            "tp": tp, "fp": len(p) - tp, "fn": len(g) - tp,
            "precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4),
        }
    return out


def evaluate(
    sentences: Sequence[Sentence], system: str, *, people_orgs_only: bool = False
) -> dict[str, object]:
    """Run a system over the sentences and score it.

    Args:
        sentences: texts with gold spans.
        system: one of :data:`SYSTEMS`.
        people_orgs_only: ignore predicted LOCATIONs (for gold with actors only).
    """
    run = _system(system)
    gold: set[tuple[int, int, int, str]] = set()
    pred: set[tuple[int, int, int, str]] = set()
    run("ข้อความอุ่นเครื่อง")  # load models and lexicons outside the timing
    t0 = time.perf_counter()
    chars = 0
    for n, sent in enumerate(sentences):
        chars += len(sent.text)
        gold.update((n, s, e, t) for s, e, t in sent.spans if t in TYPES)
        for m in run(sent.text):
            typ = to_thainer_type(m)
            if typ is not None and not (people_orgs_only and typ == "LOCATION"):
                pred.add((n, m.start, m.end, typ))
    seconds = time.perf_counter() - t0
    return {
        "system": system,
        "sentences": len(sentences),
        "scores": score(gold, pred),
        "seconds": round(seconds, 2),
        "ms_per_kb": round(1000 * seconds / max(chars / 1024, 1e-9), 2),
    }


def seed_sentences(gold_json: Path = _SEED_GOLD, corpus: Path = _CORPUS) -> list[Sentence]:
    """The seed posts as sentences with the hand-marked actors as gold spans."""
    gold = json.loads(gold_json.read_text("utf-8"))["documents"]
    out = []
    for doc, spans in gold.items():
        text = (corpus / doc).read_text("utf-8")
        typed = tuple(
            (d["start"], d["end"], "PERSON" if d["kind"] == "person" else "ORGANIZATION")
            for d in spans
        )
        out.append(Sentence(text, typed))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command line; see the module docstring."""
    ap = argparse.ArgumentParser(prog="python -m bench.ner", description=__doc__.split("\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--data", help="file in ThaiNER format (e.g. val.txt)")
    src.add_argument("--seeds", action="store_true",
                     help="the hand-marked actors of the seed posts instead")
    ap.add_argument("--system", default="combined", choices=SYSTEMS)
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    ap.add_argument("--out", help="result file (default bench/results/ner_<system>.json)")
    args = ap.parse_args(argv)
    try:
        if args.seeds:
            sentences = seed_sentences()
            data = "seeds: " + str(_SEED_GOLD.relative_to(_ROOT))
        else:
            sentences = list(read_thainer(args.data))
            data = str(args.data)
        result = {"data": data, **evaluate(sentences, args.system, people_orgs_only=args.seeds)}
    except FieldnotesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    suffix = "_seeds" if args.seeds else ""
    out = Path(args.out) if args.out else _RESULTS / f"ner_{args.system}{suffix}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        scores = result["scores"]
        for typ in (*TYPES, "micro"):
            s = scores[typ]  # type: ignore[index]
            print(f"{typ:13s} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}"
                  f"  (tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")
        print(f"{result['sentences']} sentences in {result['seconds']} s → {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
