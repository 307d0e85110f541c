"""Recordings made at test time with ffmpeg (and espeak-ng when installed): never downloaded.

``make_tone`` a sine tone, ``make_speech`` a recording whose speech sits where a transcript's cues
say (espeak-ng per cue, else a tone per cue), ``truncate`` cuts a file's second half off,
``fake_long_wav`` a real WAV of silence lasting 10 hours that takes no disk (a sparse file), and
``require_ffmpeg`` skips a test on a machine without ffmpeg and fails on CI (``.ci/run`` installs
it), as ``tests/ui/browser_helpers.require_chromium`` does for Chromium.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest


def require_ffmpeg() -> None:
    """Skip without ffmpeg/ffprobe; on CI (which installs them) fail."""
    if shutil.which("ffmpeg") and shutil.which("ffprobe"):
        return
    if os.environ.get("CI"):
        raise RuntimeError("ffmpeg is missing on CI: .ci/run installs it (apt-get ffmpeg)")
    pytest.skip("ffmpeg is not installed", allow_module_level=True)


def _ffmpeg(*args: str) -> None:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True, stdin=subprocess.DEVNULL
    )


def make_tone(path: str | os.PathLike, seconds: float = 3.0, freq: int = 440) -> Path:
    """Write a sine tone of ``seconds`` to ``path`` (format from the suffix; .m4a moov first)."""
    path = Path(path)
    extra = ["-movflags", "+faststart"] if path.suffix in (".m4a", ".mp4", ".mov") else []
    _ffmpeg("-f", "lavfi", "-i", f"sine=f={freq}:d={seconds}", *extra, str(path))
    return path


def make_video_without_sound(path: str | os.PathLike, seconds: float = 2.0) -> Path:
    """Write an mp4 with a picture and no audio stream."""
    _ffmpeg("-f", "lavfi", "-i", f"color=c=red:s=64x64:d={seconds}", "-c:v", "mpeg4", str(path))
    return Path(path)


def require_espeak() -> None:
    """Skip without espeak-ng (speech made at test time); on CI (which installs it) fail."""
    if shutil.which("espeak-ng"):
        return
    if os.environ.get("CI"):
        raise RuntimeError("espeak-ng is missing on CI: .ci/run installs it (apt-get espeak-ng)")
    pytest.skip("espeak-ng is not installed", allow_module_level=True)


def espeak() -> str | None:
    """Return the espeak-ng program, or None when it is not installed."""
    return shutil.which("espeak-ng")


def make_speech(
    path: str | os.PathLike,
    cues: list[tuple[float, str]],
    lang: str = "en",
    total: float | None = None,
) -> Path:
    """Write a recording with each cue's text spoken (espeak-ng; a tone per cue without it)
    starting at the cue's time in seconds, silence between; ``total`` seconds long at least."""
    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        inputs, filters = [], []
        for i, (start, text) in enumerate(cues):
            wav = Path(tmp) / f"cue{i}.wav"
            if espeak():
                subprocess.run(
                    ["espeak-ng", "-v", lang, "-s", "160", "-w", str(wav), text],
                    check=True,
                    stdin=subprocess.DEVNULL,
                )
            else:
                make_tone(wav, min(2.0, 0.3 + len(text.split()) * 0.25), 300 + 40 * i)
            inputs += ["-i", str(wav)]
            ms = int(round(start * 1000))
            filters.append(f"[{i}:a]aresample=16000,adelay={ms}:all=1[a{i}]")
        mix = "".join(f"[a{i}]" for i in range(len(cues)))
        length = total or (max(s for s, _ in cues) + 8)
        graph = ";".join(filters) + f";{mix}amix=inputs={len(cues)}:normalize=0,apad[out]"
        extra = ["-movflags", "+faststart"] if path.suffix in (".m4a", ".mp4") else []
        _ffmpeg(
            *inputs, "-filter_complex", graph, "-map", "[out]", "-t", f"{length:.3f}", "-ac", "1",
            *extra, str(path),
        )  # fmt: skip
    return path


def truncate(path: str | os.PathLike, keep: float = 0.5) -> Path:
    """Cut ``path`` to the first ``keep`` of its bytes (a copy stopped midway)."""
    path = Path(path)
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.truncate(int(size * keep))
    return path


def fake_long_wav(path: str | os.PathLike, hours: float = 10.0, rate: int = 8000) -> Path:
    """Write a WAV of silence lasting ``hours`` (+1 s): a 44-byte header and a sparse data
    part, so it takes almost no disk while ffprobe reads its full length."""
    n = int((hours * 3600 + 1) * rate) * 2
    header = (
        b"RIFF"
        + struct.pack("<I", 36 + n)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
        + b"data"
        + struct.pack("<I", n)
    )
    path = Path(path)
    with open(path, "wb") as fh:
        fh.write(header)
        fh.truncate(44 + n)
    return path


TEAMS_CUES = [
    (3.12, "Good morning, and thanks for joining us today."),
    (6.48, "Could you tell me how the consortium started?"),
    (10.25, "Sure. It began in 2014 with three universities in Queretaro"),
    (15.01, "and two aerospace suppliers that needed technicians."),
    (20.10, "Who funded the first phase?"),
    (22.90, "Mostly CONACYT, with in-kind support from the state government and the firms."),
]
