"""What ``ffprobe`` and ``ffmpeg`` tell and make of a recording: pure wrappers, no database.

Every call runs the Debian ``ffmpeg`` programs with an argument list (never a shell), ``-nostdin``
and a time limit. Without them nothing here works and ``require_tools`` says so in one sentence
(install the Debian package ``ffmpeg``); the rest of the workbench runs as before.

``probe`` reads a file's format, streams and length; ``check_media`` refuses what cannot be
listened to (not media, no sound, truncated, over ``MEDIA_FILE`` or ``MEDIA_DURATION``);
``listening_copy`` writes a mono AAC copy (64 kb/s, about 29 MB an hour) and, from the same
decode, the waveform peaks; ``cut_clip`` cuts a range for a report; ``decode_pcm16k`` streams
16 kHz mono 16-bit samples for speech to text.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from projectfile import MEDIA_DURATION, MEDIA_FILE, Progress, QdaError, check_limit

from .model import format_time

AUDIO_SUFFIXES = (".mp3", ".m4a", ".wav", ".ogg", ".opus", ".mp4", ".webm", ".mov", ".aac", ".flac")
WAVEFORM_POINTS = 4000  # peaks kept per recording (the schema allows up to 20,000)
WAVEFORM_RATE = 8000  # samples per second the peaks are taken from
TAIL_SECONDS = 10.0  # the end of a recording decoded to tell a truncated file
INSTALL = "install ffmpeg (Debian package `ffmpeg`: apt-get install ffmpeg)"


class MediaError(QdaError):
    """A recording that cannot be attached, played or cut, with the file and the reason."""


class MediaToolsMissing(MediaError):
    """``ffmpeg``/``ffprobe`` are not installed: what needs them cannot be done."""


@dataclass(frozen=True)
class MediaTools:
    """Where ``ffmpeg`` and ``ffprobe`` are (None when not found on PATH)."""

    ffmpeg: str | None
    ffprobe: str | None

    @property
    def available(self) -> bool:
        return bool(self.ffmpeg and self.ffprobe)

    def missing(self) -> list[str]:
        """The programs not found."""
        return [n for n, p in (("ffmpeg", self.ffmpeg), ("ffprobe", self.ffprobe)) if not p]


def tools() -> MediaTools:
    """Return where ``ffmpeg`` and ``ffprobe`` are on PATH (looked up on every call)."""
    return MediaTools(shutil.which("ffmpeg"), shutil.which("ffprobe"))


def require_tools(what: str) -> MediaTools:
    """Return the tools, or raise MediaToolsMissing: ``cannot <what>: ffmpeg is not installed``."""
    found = tools()
    if not found.available:
        raise MediaToolsMissing(
            f"cannot {what}: {' and '.join(found.missing())} not installed; {INSTALL}"
        )
    return found


@dataclass(frozen=True)
class MediaInfo:
    """What ffprobe read: kind 'audio' or 'video', container and audio codec names, length."""

    kind: str
    container: str
    codec: str
    duration_s: float | None
    size: int
    sample_rate: int | None = None
    channels: int | None = None


def _run(argv: list[str], timeout: float | None, label: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(argv, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise MediaError(
            f"{label}: {Path(argv[0]).name} took longer than {timeout:.0f} s; the file may be"
            " damaged or on a slow disk"
        ) from None
    except OSError as exc:
        raise MediaError(f"{label}: cannot run {argv[0]} ({exc.strerror or exc})") from exc


def _first_line(stderr: bytes) -> str:
    for line in stderr.decode("utf-8", "replace").splitlines():
        if line.strip():
            return line.strip()[:200]
    return "unknown error"


def probe(path: str | os.PathLike, timeout: float = 30) -> MediaInfo:
    """Return what ffprobe reads of ``path``; MediaError when it is not a recording it can read
    or has no sound."""
    path = Path(path)
    label = path.name
    t = require_tools("read a recording")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise MediaError(f"{label}: cannot read the file ({exc.strerror or exc})") from exc
    check_limit(label, MEDIA_FILE, "the file", size)
    argv = [t.ffprobe, "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)]
    done = _run(argv, timeout, label)
    if done.returncode != 0:
        raise MediaError(
            f"{label}: not a recording ffmpeg can read ({_first_line(done.stderr)}): not audio"
            " or video, or damaged or cut short while copying; attach an audio or video file"
            " (mp3, m4a, wav, ogg/opus, mp4, webm, mov)"
        )
    try:
        data = json.loads(done.stdout or b"{}")
    except ValueError as exc:
        raise MediaError(f"{label}: ffprobe gave no readable answer") from exc
    streams = data.get("streams") or []
    fmt = data.get("format") or {}
    audio = [s for s in streams if s.get("codec_type") == "audio"]
    video = [
        s
        for s in streams
        if s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")
    ]
    if not audio:
        what = "a video without sound" if video else "not a recording"
        raise MediaError(
            f"{label}: {what} (ffprobe finds no audio stream); attach a file with the"
            " interview's sound"
        )
    a = audio[0]
    durations = [_float(fmt.get("duration"))] + [_float(s.get("duration")) for s in audio]
    known = [d for d in durations if d is not None and d > 0]
    return MediaInfo(
        kind="video" if video else "audio",
        container=str(fmt.get("format_name") or ""),
        codec=str(a.get("codec_name") or ""),
        duration_s=max(known) if known else None,
        size=size,
        sample_rate=_int(a.get("sample_rate")),
        channels=_int(a.get("channels")),
    )


def _float(v) -> float | None:
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _int(v) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def check_media(info: MediaInfo, path: str | os.PathLike, timeout: float = 60) -> None:
    """Raise MediaError (a LimitExceeded for the limits) when the recording at ``path`` cannot
    be attached: no length, over ``MEDIA_DURATION`` or ``MEDIA_FILE``, or truncated (its last
    ``TAIL_SECONDS`` do not decode)."""
    label = Path(path).name
    check_limit(label, MEDIA_FILE, "the file", info.size)
    if info.duration_s is None:
        raise MediaError(
            f"{label}: ffprobe cannot tell how long the recording is; the file is damaged or"
            " still being written"
        )
    check_limit(label, MEDIA_DURATION, "the recording", info.duration_s, verb="lasts")
    tail = min(TAIL_SECONDS, info.duration_s)
    decoded = _decoded_seconds(path, max(0.0, info.duration_s - tail), timeout)
    if decoded < tail * 0.5:
        raise MediaError(
            f"{label}: truncated: it says it lasts {format_time(info.duration_s)} but its end"
            " does not play (the file was cut short while copying or recording); copy it again"
            " from the recorder"
        )


def _decoded_seconds(path: str | os.PathLike, start: float, timeout: float) -> float:
    """Seconds of sound ffmpeg decodes from ``start`` to the end (8 kHz mono)."""
    t = require_tools("read a recording")
    argv = [
        t.ffmpeg, "-nostdin", "-v", "error", "-ss", f"{start:.3f}", "-i", str(path),
        "-map", "0:a:0", "-ac", "1", "-ar", str(WAVEFORM_RATE), "-f", "s16le", "pipe:1",
    ]  # fmt: skip
    done = _run(argv, timeout, Path(path).name)
    return len(done.stdout) / 2 / WAVEFORM_RATE


@dataclass
class ListeningCopy:
    """What ``listening_copy`` made: the copy's path, the waveform peaks, the seconds decoded."""

    path: Path
    peaks: np.ndarray
    decoded_s: float


def listening_copy(
    src: str | os.PathLike,
    dest: str | os.PathLike,
    duration_s: float | None = None,
    progress: Progress | None = None,
    points: int = WAVEFORM_POINTS,
    timeout: float | None = None,
) -> ListeningCopy:
    """Write a mono AAC 64 kb/s ``.m4a`` of ``src`` to ``dest`` (moov first, so it plays while
    loading) and return it with ``points`` waveform peaks from the same decode; MediaError when
    ffmpeg fails or decodes much less than ``duration_s`` (a file damaged in the middle)."""
    t = require_tools("make a listening copy")
    label = Path(src).name
    argv = [
        t.ffmpeg, "-nostdin", "-v", "error", "-y", "-i", str(src),
        "-map", "0:a:0", "-vn", "-ac", "1", "-c:a", "aac", "-b:a", "64k",
        "-movflags", "+faststart", "-f", "mp4", str(dest),
        "-map", "0:a:0", "-ac", "1", "-ar", str(WAVEFORM_RATE), "-f", "s16le", "pipe:1",
    ]  # fmt: skip
    peaks = _PeakCollector(duration_s, points)
    try:
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    except OSError as exc:
        raise MediaError(f"{label}: cannot run ffmpeg ({exc.strerror or exc})") from exc
    try:
        assert proc.stdout is not None
        while block := proc.stdout.read(WAVEFORM_RATE * 2 * 5):
            peaks.add(block)
            if progress and duration_s:
                done = min(peaks.seconds, duration_s)
                progress(int(done), int(duration_s), f"{label}: listening copy")
        err = proc.stderr.read() if proc.stderr else b""
        rc = proc.wait(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if rc != 0:
        raise MediaError(f"{label}: ffmpeg could not decode the recording ({_first_line(err)})")
    if duration_s and peaks.seconds < duration_s * 0.9 - 2:
        raise MediaError(
            f"{label}: truncated or damaged: only {format_time(peaks.seconds)} of its"
            f" {format_time(duration_s)} play; copy it again from the recorder"
        )
    return ListeningCopy(Path(dest), peaks.result(), peaks.seconds)


class _PeakCollector:
    """Peak absolute amplitude per bucket of the 8 kHz mono stream, as it arrives."""

    def __init__(self, duration_s: float | None, points: int):
        total = int((duration_s or 0) * WAVEFORM_RATE)
        self.bucket = max(1, -(-total // points)) if total else WAVEFORM_RATE // 10
        self.peaks: list[float] = []
        self.current = 0.0
        self.filled = 0
        self.samples = 0
        self.rest = b""

    @property
    def seconds(self) -> float:
        return self.samples / WAVEFORM_RATE

    def add(self, block: bytes) -> None:
        block = self.rest + block
        even = len(block) - len(block) % 2
        self.rest = block[even:]
        x = np.abs(np.frombuffer(block[:even], dtype="<i2").astype(np.float32)) / 32768.0
        self.samples += len(x)
        i = 0
        while i < len(x):
            take = min(self.bucket - self.filled, len(x) - i)
            self.current = max(self.current, float(x[i : i + take].max()))
            self.filled += take
            i += take
            if self.filled == self.bucket:
                self.peaks.append(self.current)
                self.current, self.filled = 0.0, 0

    def result(self) -> np.ndarray:
        out = self.peaks + ([self.current] if self.filled else [])
        return np.asarray(out, dtype=np.float16)


def waveform_peaks(src: str | os.PathLike, points: int = WAVEFORM_POINTS) -> np.ndarray:
    """Return ``points`` peak amplitudes (0..1, float16) of ``src`` (for a recording attached
    before peaks were kept)."""
    info = probe(src)
    t = require_tools("draw a waveform")
    argv = [
        t.ffmpeg, "-nostdin", "-v", "error", "-i", str(src), "-map", "0:a:0",
        "-ac", "1", "-ar", str(WAVEFORM_RATE), "-f", "s16le", "pipe:1",
    ]  # fmt: skip
    done = _run(argv, None, Path(src).name)
    peaks = _PeakCollector(info.duration_s, points)
    peaks.add(done.stdout)
    return peaks.result()


def cut_clip(
    src: str | os.PathLike, t0: float, t1: float, dest: str | os.PathLike, timeout: float = 60
) -> Path:
    """Cut ``[t0, t1)`` seconds of ``src`` into ``dest`` (mono AAC 64 kb/s .m4a); return it."""
    t = require_tools("cut a clip")
    if t1 <= t0:
        raise MediaError(f"{Path(src).name}: a clip must end after it starts ({t0:.2f}-{t1:.2f})")
    argv = [
        t.ffmpeg, "-nostdin", "-v", "error", "-y", "-ss", f"{t0:.3f}", "-i", str(src),
        "-t", f"{t1 - t0:.3f}", "-map", "0:a:0", "-vn", "-ac", "1", "-c:a", "aac",
        "-b:a", "64k", "-movflags", "+faststart", "-f", "mp4", str(dest),
    ]  # fmt: skip
    done = _run(argv, timeout, Path(src).name)
    if done.returncode != 0:
        raise MediaError(f"{Path(src).name}: cannot cut a clip ({_first_line(done.stderr)})")
    return Path(dest)


def decode_pcm16k(src: str | os.PathLike, block_seconds: float = 1.0) -> Iterator[bytes]:
    """Yield ``src`` as 16 kHz mono signed 16-bit little-endian samples, ``block_seconds`` at a
    time (for speech to text); MediaError when ffmpeg fails."""
    t = require_tools("decode a recording")
    argv = [
        t.ffmpeg, "-nostdin", "-v", "error", "-i", str(src), "-map", "0:a:0",
        "-ac", "1", "-ar", "16000", "-f", "s16le", "pipe:1",
    ]  # fmt: skip
    proc = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        size = max(2, int(16000 * block_seconds) * 2)
        while block := proc.stdout.read(size):
            yield block
        err = proc.stderr.read() if proc.stderr else b""
        if proc.wait() != 0:
            raise MediaError(f"{Path(src).name}: ffmpeg could not decode ({_first_line(err)})")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
