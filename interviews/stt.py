"""Speech to text, offline: a recording becomes a ``Transcript`` with turns, their times and the
words' times, from the Whisper base model installed with the project (``interviews/stt_model.py``).

The model runs in a child process (``interviews/stt_worker.py``), never in the caller's: the
child limits its own resident memory and the parent watches it from outside
(``corpus.memory_limit.watched_process``), kills it past ``STT_MEMORY_BYTES`` or past its time
(``TIME_BASE_S`` + ``TIME_FACTOR`` x the recording's length) and reports the progress the child
sends (seconds transcribed of the recording's length). The words come back through a pipe and are
never logged or printed. Languages: English, Spanish, or detected from the first window.

Whisper gives segments (a sentence or so) without speakers: a turn is a run of segments with less
than ``PAUSE_S`` of silence between them, at most ``TURN_MAX_S`` long; the speaker is left to the
researcher.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from corpus import watched_process
from projectfile import Progress

from .media_tools import check_media, probe
from .model import Transcript, Turn
from .stt_model import MODEL_NAME, SttError, verify_model
from .word_spans import locate_words

LANGUAGES = {"en": "en", "es": "es", "auto": None}
STT_MEMORY_BYTES = 1536 * 1024**2  # resident memory of the speech-to-text process (1.5 GiB)
TIME_BASE_S = 300.0  # loading the model and a margin
TIME_FACTOR = 4.0  # x the recording's length (measured: 0.4-1.5 on 2 cores)
PAUSE_S = 1.0
TURN_MAX_S = 60.0
FORMAT = "stt-whisper-base"


@dataclass
class SttResult:
    """What the model heard: language (asked or detected), segments ``[start, end, text,
    [[word, start, end], ...]]`` in seconds, the recording's length and the time it took."""

    name: str
    language: str
    probability: float
    duration_s: float
    seconds: float
    segments: list = field(default_factory=list)

    @property
    def realtime_factor(self) -> float:
        return self.seconds / self.duration_s if self.duration_s else 0.0

    def words(self) -> int:
        return sum(len(s[2].split()) for s in self.segments)


def check_language(language: str) -> str | None:
    """Return the model's language code for 'en', 'es' or 'auto' (None); SttError otherwise."""
    key = (language or "auto").strip().lower()
    if key not in LANGUAGES:
        raise SttError(f"language {language!r}: speech to text knows en, es or auto")
    return LANGUAGES[key]


def speech_to_text(
    path: str | os.PathLike,
    language: str = "auto",
    progress: Progress | None = None,
    memory_bytes: int = STT_MEMORY_BYTES,
    timeout_s: float | None = None,
    threads: int | None = None,
) -> SttResult:
    """Return what the model hears in the recording at ``path`` (any file ffmpeg reads).

    MediaToolsMissing without ffmpeg, MediaError for a file that is not a recording (checked
    before the model starts), SttUnavailable without the model's packages or with another model,
    SttError when the work runs over its time or memory or the process dies."""
    path = Path(path)
    code = check_language(language)
    info = probe(path)
    check_media(info, path)
    verify_model()
    duration = float(info.duration_s or 0.0)
    limit = timeout_s if timeout_s is not None else TIME_BASE_S + TIME_FACTOR * duration
    request = {
        "path": str(path.resolve()),
        "language": code,
        "memory_bytes": int(memory_bytes),
        "threads": threads,
    }
    t0 = time.perf_counter()
    answer = _run_child(request, path.name, duration, limit, memory_bytes, progress)
    return SttResult(
        name=path.name,
        language=answer["language"] or "",
        probability=float(answer.get("probability") or 0.0),
        duration_s=duration,
        seconds=time.perf_counter() - t0,
        segments=answer["segments"],
    )


def _run_child(
    request: dict,
    name: str,
    duration: float,
    limit: float,
    memory_bytes: int,
    progress: Progress | None,
) -> dict:
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    proc = subprocess.Popen(
        [sys.executable, "-m", "interviews.stt_worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
        text=True,
        encoding="utf-8",
    )
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        _kill_group(proc)

    timer = threading.Timer(limit, stop)
    timer.daemon = True
    answer: dict = {}
    with watched_process(proc.pid, memory_bytes) as over:
        timer.start()
        try:
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(json.dumps(request))
            proc.stdin.close()
            for line in proc.stdout:
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue
                if "done" in msg and progress and duration:
                    done = min(float(msg["done"]), duration)
                    progress(int(done), max(1, int(duration)), f"{name}: transcribing")
                else:
                    answer = msg
            proc.wait()
        finally:
            timer.cancel()
            if proc.poll() is None:
                _kill_group(proc)
    if timed_out.is_set():
        raise SttError(
            f"{name}: transcribing took longer than {limit:.0f} s and was stopped (the limit is"
            f" {TIME_BASE_S:.0f} s + {TIME_FACTOR:g} x the recording's length)"
        )
    if over.is_set() or answer.get("error") == "over_memory":
        raise SttError(
            f"{name}: transcribing needed more than {memory_bytes // 1024**2} MB of memory, the"
            " limit for the speech-to-text process, and was stopped"
        )
    if "error" in answer:
        raise SttError(f"{name}: {answer['error']}")
    if "result" not in answer:
        raise SttError(f"{name}: the speech-to-text process died (exit {proc.returncode})")
    return answer["result"]


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.wait()


def stt_transcript(result: SttResult) -> Transcript:
    """Return the result as a Transcript (format ``stt-whisper-base``): turns split at pauses of
    ``PAUSE_S`` or more, each with its words' times; no speakers."""
    tr = Transcript(name=result.name, format=FORMAT)
    turns: list[Turn] = []
    for start, end, text, words in result.segments:
        timed = locate_words(text, [(w, s, e) for w, s, e in words])
        last = turns[-1] if turns else None
        if (
            last is None
            or start - (last.end or start) >= PAUSE_S
            or end - (last.start or start) > TURN_MAX_S
        ):
            turns.append(Turn(None, text, start, end, len(turns) + 1, timed))
            continue
        shift = len(last.text) + 1
        last.text = f"{last.text} {text}"
        last.end = end
        last.words += [(a + shift, b + shift, s, e) for a, b, s, e in timed]
    tr.turns = turns
    tr.warnings.append(
        f"{result.name}: transcribed by speech to text ({MODEL_NAME}, language"
        f" {result.language or '?'}): a draft to check against the recording; no speakers"
    )
    return tr
