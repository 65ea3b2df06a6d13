"""A static (token-lookup) embedder distilled from e5-small: the fast path.

Transformer embedding of a large corpus takes hours on two cores. A static
model instead keeps one vector per word and embeds a text as the normalised
sum of its words' vectors, so it runs at the speed of the Thai tokeniser.
The words are those of the project's one tokeniser (:mod:`ingest.tokens`,
PyThaiNLP newmm + domain dictionary), not sentencepiece pieces: a Thai word is
a far better unit to embed alone than a sub-syllable piece. Each vector is
e5-small's own embedding of that word, reduced by PCA and weighted by how rare
the word is (SIF), as in model2vec; see :mod:`search.distill` for how it is
built.

File format (one ``.npz``): ``vocab`` (UTF-8 words joined by newlines),
``vectors`` (int8, one row per word), ``scales`` (float32 per row),
``cost`` (e5 tokens per word, for chunk sizing) and ``config`` (JSON).

Example:
    >>> emb = load_static(None)            # the default model
    >>> v = emb.embed_passages(["สภาองค์กรชุมชนตำบลกะหรอ"])
    >>> v.shape
    (1, 256)
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from fieldnotes.errors import ModelError
from search.embed import Embedder, _check_query, _check_texts

__all__ = [
    "StaticEmbedder",
    "load_static",
    "save_static",
    "default_static_path",
    "STATIC_FORMAT",
    "DEFAULT_FUSION_TRUST",
]

STATIC_FORMAT = "fieldnotes-static/1"
_BUNDLED = Path(__file__).parent / "data" / "static-e5-small.npz"
# Words longer than this are never in the vocabulary; bounds the back-off search.
_MAX_WORD = 24
_OOV_CACHE_MAX = 200_000
# Hybrid fusion weighs a static model's dense ranking at a quarter of a
# transformer's: on XQuAD-th its dense R@1 is ~68 against BM25's 93, and at
# full weight it pulls hybrid below BM25 alone (90.1); at a quarter hybrid
# is 93.0, level with BM25 (bench/results/search.md).
DEFAULT_FUSION_TRUST = 0.25


def default_static_path() -> Path:
    """Where the default static model lives.

    The copy shipped in the package (``search/data/static-e5-small.npz``) if
    present, else the one built by ``python -m search.distill`` into the user
    cache (``$FIELDNOTES_CACHE`` or ``~/.cache/fieldnotes``).
    """
    if _BUNDLED.exists():
        return _BUNDLED
    base = os.environ.get("FIELDNOTES_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "fieldnotes"
    )
    return Path(base) / "static-e5-small.npz"


class StaticEmbedder(Embedder):
    """Embed texts by summing per-word vectors (weights are baked into the rows).

    Args:
        words: the vocabulary, in row order.
        vectors: ``(len(words), dim)`` float32 rows (PCA-reduced, SIF-weighted).
        cost: e5 tokens of each word, for :meth:`count_tokens`.
        name: the spec this model answers to (stored with every vector).
        config: what the distillation recorded (source model, dims, weighting).
    """

    def __init__(
        self,
        words: Sequence[str],
        vectors: np.ndarray,
        cost: np.ndarray,
        *,
        name: str = "static",
        config: dict[str, object] | None = None,
    ) -> None:
        if len(words) != len(vectors) or len(words) != len(cost):
            raise ModelError(
                f"static model {name!r} is inconsistent: {len(words)} words, "
                f"{len(vectors)} vectors, {len(cost)} costs; rebuild it with python -m search.distill"
            )
        self.name = name
        self.dim = int(vectors.shape[1])
        self.config = dict(config or {})
        self.fusion_trust = float(self.config.get("fusion_trust", DEFAULT_FUSION_TRUST))  # type: ignore[arg-type]
        self.words = list(words)
        self._vecs = np.ascontiguousarray(vectors, dtype=np.float32)
        self._cost = np.asarray(cost, dtype=np.int32)
        self._index = {w: i for i, w in enumerate(self.words)}
        self._oov: dict[str, tuple[int, ...]] = {}
        self._pieces: dict[str, tuple[int, ...]] = {}
        self._lock = threading.Lock()

    # -- tokens ----------------------------------------------------------------------

    def _backoff(self, term: str) -> tuple[int, ...]:
        """Known words inside an unknown term: greedy longest match, left to right.

        newmm leaves names and transliterations it does not know as one run
        (``คาวันน์``); their known parts still carry meaning.
        """
        hit = self._oov.get(term)
        if hit is not None:
            return hit
        out: list[int] = []
        i, n = 0, len(term)
        while i < n:
            for j in range(min(n, i + _MAX_WORD), i + 1, -1):  # at least 2 characters
                k = self._index.get(term[i:j])
                if k is not None:
                    out.append(k)
                    i = j
                    break
            else:
                i += 1
        ids = tuple(out)
        with self._lock:
            if len(self._oov) >= _OOV_CACHE_MAX:
                self._oov.clear()
            self._oov[term] = ids
        return ids

    def _piece_ids(self, piece: str) -> tuple[int, ...]:
        from ingest.tokens import normalize_term

        term = normalize_term(piece)
        if not term:
            ids: tuple[int, ...] = ()
        else:
            k = self._index.get(term)
            ids = (k,) if k is not None else self._backoff(term)
        with self._lock:
            if len(self._pieces) >= _OOV_CACHE_MAX:
                self._pieces.clear()
            self._pieces[piece] = ids
        return ids

    def token_ids(self, text: str) -> list[int]:
        """Vocabulary rows of the words of ``text`` (unknown words backed off)."""
        from ingest.tokens import default_tokenizer

        ids: list[int] = []
        # Most pieces repeat: remembering piece -> rows skips normalising each one
        # again, which costs more than the segmentation itself.
        memo = self._pieces
        for piece in default_tokenizer().segment(text):
            hit = memo.get(piece)
            ids.extend(hit if hit is not None else self._piece_ids(piece))
        return ids

    # -- Embedder --------------------------------------------------------------------

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = self.token_ids(text)
            if ids:
                out[row] = self._vecs[ids].sum(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        # A text with no known word stays a zero vector: it matches nothing.
        return out / np.maximum(norms, 1e-12)

    def embed_passages(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        return self._embed(_check_texts(texts))

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([_check_query(text)])[0]

    def count_tokens(self, text: str) -> int:
        from ingest.tokens import default_tokenizer, normalize_term

        total = 0
        for piece in default_tokenizer().segment(text):
            if piece.isspace():
                continue
            k = self._index.get(normalize_term(piece))
            # An unknown word costs about one e5 piece per three characters.
            total += int(self._cost[k]) if k is not None else max(1, len(piece) // 3)
        return total


def save_static(
    path: str | os.PathLike[str],
    words: Sequence[str],
    vectors: np.ndarray,
    cost: np.ndarray,
    config: dict[str, object],
) -> Path:
    """Write a static model file (int8 rows with a float32 scale each), atomically.

    int8 keeps the shipped file small (a quarter of float32) at a cost below
    0.1 point of retrieval quality (measured, see bench/results).
    """
    path = Path(path)
    if path.suffix != ".npz":
        path = path / "static-e5-small.npz" if path.is_dir() or not path.suffix else path
    path.parent.mkdir(parents=True, exist_ok=True)
    vecs = np.asarray(vectors, dtype=np.float32)
    scales = np.abs(vecs).max(axis=1) / 127.0
    scales[scales == 0] = 1.0
    q = np.clip(np.rint(vecs / scales[:, None]), -127, 127).astype(np.int8)
    for w in words:
        if "\n" in w or not w:
            raise ModelError(f"word {w!r} cannot be stored in a static model")
    cfg = dict(config) | {"format": STATIC_FORMAT, "dim": int(vecs.shape[1]), "size": len(words)}
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp.npz")
    np.savez_compressed(
        tmp,
        vocab=np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8),
        vectors=q,
        scales=scales.astype(np.float32),
        cost=np.clip(np.asarray(cost), 0, 255).astype(np.uint8),
        config=np.frombuffer(json.dumps(cfg, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
    )
    os.replace(tmp, path)
    return path


def load_static(path: str | os.PathLike[str] | None) -> StaticEmbedder:
    """Load a static model file; ``None`` loads the default one.

    Raises:
        ModelError: the file is missing or is not a static model.
    """
    target = default_static_path() if path in (None, "") else Path(path).expanduser()
    if target.is_dir():
        target = target / "static-e5-small.npz"
    if not target.exists():
        if path in (None, ""):
            raise ModelError(
                f"the default static model is not built yet (looked for {target}); build it "
                "once with `python -m search.distill` (about 20 minutes on 2 cores), "
                "or use --model e5-small"
            )
        raise ModelError(f"no static model at {target}; build one with `python -m search.distill {target}`")
    try:
        with np.load(target, allow_pickle=False) as z:
            cfg = json.loads(bytes(z["config"]).decode("utf-8"))
            words = bytes(z["vocab"]).decode("utf-8").split("\n")
            vecs = z["vectors"].astype(np.float32) * z["scales"][:, None]
            cost = z["cost"].astype(np.int32)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(
            f"{target} is not a static model ({exc}); rebuild it with python -m search.distill"
        ) from exc
    if cfg.get("format") != STATIC_FORMAT:
        raise ModelError(f"{target} has format {cfg.get('format')!r}, expected {STATIC_FORMAT!r}")
    name = "static" if path in (None, "") else f"static:{path}"
    return StaticEmbedder(words, vecs, cost, name=name, config=cfg)
