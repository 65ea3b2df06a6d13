"""The ``fieldnotes`` command.

Every subcommand calls the facade :class:`fieldnotes.kb.KnowledgeBase` and prints
either a readable summary or, with ``--json``, a stable JSON shape for other tools.

Exit codes: 0 success; 1 some input failed (e.g. files that could not be
ingested); 2 bad usage or an error the message explains.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any, Callable, Sequence

from fieldnotes.errors import FieldnotesError
from fieldnotes.settings import Settings

__all__ = ["main", "build_parser"]

EXIT_OK, EXIT_SOME_FAILED, EXIT_ERROR = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the docs and the tests)."""
    # The options are accepted before and after the subcommand; on the
    # subcommand they default to SUPPRESS so they never overwrite a value
    # given before it (an argparse pitfall with shared parents).
    top, common = _common_options(suppress=False), _common_options(suppress=True)

    p = argparse.ArgumentParser(
        prog="fieldnotes",
        description="Knowledge graph and semantic search over Thai field notes.",
        parents=[top],
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("ingest", parents=[common], help="add files or folders (recursive)")
    s.add_argument("paths", nargs="+", metavar="PATH")

    sub.add_parser("docs", parents=[common], help="list the documents")
    sub.add_parser("failures", parents=[common], help="files that could not be ingested, and why")
    sub.add_parser("stats", parents=[common], help="counts of documents, chunks, entities")

    s = sub.add_parser("search", parents=[common], help="find passages (Thai or English)")
    s.add_argument("query")
    s.add_argument("--k", type=int, default=10, help="number of passages (default 10)")
    s.add_argument("--mode", choices=["hybrid", "bm25", "dense"], help="default: hybrid")

    s = sub.add_parser("similar", parents=[common], help="notes most similar to one note")
    s.add_argument("doc", metavar="DOC", help="document id or source path")
    s.add_argument("--k", type=int, default=5)

    s = sub.add_parser("entities", parents=[common], help="actors, areas and practices")
    s.add_argument("--type", choices=["actor", "area", "practice"])

    s = sub.add_parser("who", parents=[common], help="who works on a theme, with evidence")
    s.add_argument("theme")
    s.add_argument("--k", type=int, default=20)

    sub.add_parser("network", parents=[common], help="the partner network with centralities")

    s = sub.add_parser("path", parents=[common], help="shortest path between two actors")
    s.add_argument("a")
    s.add_argument("b")

    s = sub.add_parser("sparql", parents=[common], help="run a SPARQL query on the graph")
    s.add_argument("query")

    s = sub.add_parser("export", parents=[common], help="export the graph")
    s.add_argument("--format", required=True, choices=["ttl", "nq", "jsonld", "graphml"])
    s.add_argument("out", metavar="OUT")

    s = sub.add_parser("check", parents=[common], help="verify the store, index and graph agree")
    s.add_argument("--repair", action="store_true", help="rebuild what disagrees")
    return p


def _common_options(*, suppress: bool) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    default: dict[str, Any] = {"default": argparse.SUPPRESS} if suppress else {}
    common.add_argument(
        "--home", help="home folder (default ./.fieldnotes or $FIELDNOTES_HOME)", **default
    )
    common.add_argument("--json", action="store_true", help="print JSON for other tools", **default)
    common.add_argument(
        "--model",
        help="embedding model: e5-small (default), static, st:<name|path>, static:<path>",
        **default,
    )
    common.add_argument(
        "-v", "--verbose", action="store_true", help="log details to stderr", **default
    )
    return common


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = Settings.from_env(home=args.home, model=args.model)
        handler = _COMMANDS[args.command]
        return handler(args, settings)
    except FieldnotesError as exc:
        print(f"fieldnotes: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: that is not an error of ours.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("fieldnotes: interrupted; finished documents are kept", file=sys.stderr)
        return 130


def _open(settings: Settings, *, readonly: bool = True) -> Any:
    from fieldnotes.kb import KnowledgeBase

    return KnowledgeBase(settings=settings, readonly=readonly)


def _emit(args: argparse.Namespace, data: Any, text: Callable[[], str]) -> None:
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text() + "\n")


def _cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    kb = _open(settings, readonly=False)
    bar = tqdm(total=0, unit="file", desc="ingest", disable=None, file=sys.stderr)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        report = kb.ingest(args.paths, progress=progress)
    finally:
        bar.close()
    stats = kb.stats()

    def text() -> str:
        lines = [
            f"added {len(report.added)}, updated {len(report.updated)}, "
            f"unchanged {len(report.unchanged)}, duplicates {len(report.duplicates)}, "
            f"failed {len(report.failed)}",
            f"store: {stats['documents']} documents, {stats['chunks']} passages in {kb.home}",
        ]
        lines += [f"  duplicate: {s} (same content as {d})" for s, d in report.duplicates]
        lines += [f"  failed: {s}: {r}" for s, r in report.failed]
        return "\n".join(lines)

    _emit(args, report.to_json() | {"store": stats}, text)
    return EXIT_OK if report.ok else EXIT_SOME_FAILED


def _file_type_name(doc: Any) -> str:
    """``PDF``, ``Word``, ``HTML``, ``Markdown`` or ``text``: what kind of file a note came from."""
    from ingest.models import FILE_TYPE_NAMES

    return FILE_TYPE_NAMES[doc.file_type]


def _cmd_docs(args: argparse.Namespace, settings: Settings) -> int:
    kb = _open(settings)
    docs = kb.docs_json()

    def text() -> str:
        types = {d.id: _file_type_name(d) for d in kb.documents()}
        rows = [
            f"{d['id']}  {types.get(d['id'], ''):8}  {d['record_id'] or '-':>6}  "
            f"{(d['created'] or '')[:10]:10}  {d['title']}"
            for d in docs
        ]
        return "\n".join(rows) if rows else "no documents yet: run `fieldnotes ingest PATH`"

    _emit(args, docs, text)
    return EXIT_OK


def _cmd_failures(args: argparse.Namespace, settings: Settings) -> int:
    rows = _open(settings).failures()
    _emit(
        args,
        [{"source": s, "reason": r} for s, r in rows],
        lambda: "\n".join(f"{s}: {r}" for s, r in rows) or "no failures",
    )
    return EXIT_OK


def _cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    stats = _open(settings).stats()
    _emit(args, stats, lambda: ", ".join(f"{k}: {v}" for k, v in stats.items()))
    return EXIT_OK


def _cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    kb = _open(settings)
    hits = kb.search(args.query, k=args.k, mode=args.mode)

    def text() -> str:
        if not hits:
            return "no passages found"
        types = {d: _file_type_name(kb.document(d)) for d in {h.doc_id for h in hits}}
        rows = []
        for i, h in enumerate(hits, 1):
            # e.g. [reports/ประชุม.pdf, PDF p.7]: the file type, and the page for a PDF.
            where = types[h.doc_id] + (f" p.{h.page}" if h.page else "")
            passage = " ".join(h.text.split())
            rows.append(f"{i:2}. {h.score:.4f}  {h.title}  [{h.source}, {where}]\n    {passage[:300]}")
        added = kb.expansion(args.query).terms if (args.mode or settings.search_mode) != "dense" else ()
        if added:  # last, so the first line is still the best passage
            rows.append(f"(also searched, from the practice scheme: {', '.join(added)})")
        return "\n".join(rows)

    _emit(args, [h.to_json() for h in hits], text)
    return EXIT_OK


def _cmd_similar(args: argparse.Namespace, settings: Settings) -> int:
    docs = _open(settings).similar(args.doc, k=args.k)

    def text() -> str:
        rows = [f"{d.score:.3f}  {d.title}  [{d.source}]" for d in docs]
        return "\n".join(
            row + (f"\n       shared: {', '.join(d.shared)}" if d.shared else "")
            for d, row in zip(docs, rows)
        ) or "no similar notes"

    _emit(args, [d.to_json() for d in docs], text)
    return EXIT_OK


def _cmd_entities(args: argparse.Namespace, settings: Settings) -> int:
    found = _open(settings).entities(args.type)

    def text() -> str:
        rows = [
            f"{e.type:8} {e.kind:12} {e.mentions:5}  {e.label}"
            + (f"  ({', '.join(e.aliases[:4])})" if e.aliases else "")
            for e in found
        ]
        return "\n".join(rows) or "no entities yet: run `fieldnotes ingest PATH`"

    _emit(args, [e.to_json() for e in found], text)
    return EXIT_OK


def _cmd_who(args: argparse.Namespace, settings: Settings) -> int:
    ranks = _open(settings).who(args.theme, k=args.k)
    data = [r.to_json() for r in ranks]

    def text() -> str:
        out = []
        for i, r in enumerate(data, 1):
            out.append(f"{i:2}. {r['label']} ({r['kind']}): {r['passages']} passages")
            for ev in r.get("evidence", [])[:2]:
                out.append(f"      [{ev.get('source')}] {' '.join(str(ev.get('text', '')).split())[:200]}")
        return "\n".join(out) or f"nobody found working on {args.theme!r}"

    _emit(args, data, text)
    return EXIT_OK


def _cmd_network(args: argparse.Namespace, settings: Settings) -> int:
    net = _open(settings).network(top_n=None)

    def text() -> str:
        nodes = sorted(net["nodes"], key=lambda n: -float(n.get("pagerank", 0)))[:30]  # type: ignore[index]
        rows = [
            f"{float(n.get('pagerank', 0)):.4f}  deg {n.get('degree')}  c{n.get('community')}  {n['label']}"
            for n in nodes
        ]
        head = f"{len(net['nodes'])} actors, {len(net['edges'])} partnerships; top by PageRank:"  # type: ignore[arg-type]
        return "\n".join([head, *rows])

    _emit(args, net, text)
    return EXIT_OK


def _cmd_path(args: argparse.Namespace, settings: Settings) -> int:
    hops = [h.to_json() for h in _open(settings).path(args.a, args.b)]

    def text() -> str:
        out = []
        for h in hops:
            out.append(f"{h.get('source_label')} — {h.get('target_label')}")
            for ev in h.get("evidence", [])[:2]:
                out.append(f"    [{ev.get('source')}] {' '.join(str(ev.get('text', '')).split())[:200]}")
        return "\n".join(out) or "no path"

    _emit(args, hops, text)
    return EXIT_OK


def _cmd_sparql(args: argparse.Namespace, settings: Settings) -> int:
    rows = _open(settings).sparql(args.query)
    _emit(
        args,
        rows,
        lambda: "\n".join("\t".join(str(v) for v in r.values()) for r in rows) or "no rows",
    )
    return EXIT_OK


def _cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    out = _open(settings).export(args.format, args.out)
    _emit(args, {"format": args.format, "path": str(out)}, lambda: f"wrote {out}")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    report = _open(settings, readonly=False).check(repair=args.repair)

    def text() -> str:
        return "\n".join(f"{k}: {v}" for k, v in report.items())

    _emit(args, report, text)
    return EXIT_OK if report["ok"] else EXIT_SOME_FAILED


_COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "ingest": _cmd_ingest,
    "docs": _cmd_docs,
    "failures": _cmd_failures,
    "stats": _cmd_stats,
    "search": _cmd_search,
    "similar": _cmd_similar,
    "entities": _cmd_entities,
    "who": _cmd_who,
    "network": _cmd_network,
    "path": _cmd_path,
    "sparql": _cmd_sparql,
    "export": _cmd_export,
    "check": _cmd_check,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
