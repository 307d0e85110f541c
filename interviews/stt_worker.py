"""The speech-to-text child process: ``python -m interviews.stt_worker``, started by
``interviews.stt.speech_to_text`` with a request on stdin.

It limits its own resident memory (``corpus.memory_limit``; the parent watches it too and kills it
past the limit), loads the checked model, decodes the recording with ffmpeg as 16 kHz mono and
transcribes it window by window (``WINDOW_S`` seconds, cut at the quietest moment near the end of
each window so no word is cut in two), so memory stays the same for a 10-minute or a 6-hour
recording. It answers on stdout only, one JSON object a line: ``{"done": seconds}`` as it goes,
then ``{"result": ...}`` or ``{"error": message}``. It writes nothing else anywhere: the words go to
the parent through the pipe and are never logged.
"""

from __future__ import annotations

import json
import sys

import numpy as np

from corpus import OverMemory, memory_guard, start_memory_watchdog

from .media_tools import MediaError, decode_pcm16k
from .stt_model import SttUnavailable, load_model

RATE = 16000
WINDOW_S = 300.0  # seconds of audio transcribed at once
CUT_SEARCH_S = 10.0  # the window is cut at the quietest 30 ms of its last seconds
FRAME = int(0.03 * RATE)


def _send(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _cut_point(samples: np.ndarray) -> int:
    """Index at which to end a window: the quietest frame in its last ``CUT_SEARCH_S``."""
    n = len(samples)
    lo = max(0, n - int(CUT_SEARCH_S * RATE))
    tail = samples[lo : lo + (n - lo) // FRAME * FRAME]
    if len(tail) < FRAME:
        return n
    energy = np.abs(tail.reshape(-1, FRAME)).mean(axis=1)
    return lo + int(np.argmin(energy)) * FRAME + FRAME // 2


def _windows(path: str):
    """Yield (offset seconds, float32 samples) windows of the recording."""
    buf = bytearray()
    offset = 0
    limit = int(WINDOW_S * RATE) * 2
    for block in decode_pcm16k(path):
        buf += block
        if len(buf) >= limit:
            samples = np.frombuffer(bytes(buf[: len(buf) // 2 * 2]), dtype="<i2")
            cut = _cut_point(samples)
            yield offset / RATE, samples[:cut].astype(np.float32) / 32768.0
            del buf[: cut * 2]
            offset += cut
    if len(buf) >= RATE // 5:
        samples = np.frombuffer(bytes(buf[: len(buf) // 2 * 2]), dtype="<i2")
        yield offset / RATE, samples.astype(np.float32) / 32768.0


def transcribe(path: str, language: str | None, threads: int | None = None) -> dict:
    """Return {"language", "probability", "segments": [[start, end, text, words]]} of the
    recording at ``path``; words are [word, start, end] (seconds from the recording's start)."""
    model = load_model(threads)
    segments: list = []
    detected, probability = language, 1.0
    for offset, audio in _windows(path):
        found, info = model.transcribe(
            audio,
            language=detected,
            beam_size=1,
            word_timestamps=True,
            condition_on_previous_text=False,
            vad_filter=False,
        )
        if detected is None:
            detected, probability = info.language, float(info.language_probability)
        for seg in found:
            words = [
                [w.word, round(offset + w.start, 3), round(offset + w.end, 3)]
                for w in seg.words or []
            ]
            text = seg.text.strip()
            if text:
                segments.append(
                    [round(offset + seg.start, 3), round(offset + seg.end, 3), text, words]
                )
            _send({"done": round(offset + seg.end, 3)})
        _send({"done": round(offset + len(audio) / RATE, 3)})
    return {"language": detected, "probability": probability, "segments": segments}


def main() -> None:
    request = json.loads(sys.stdin.read())
    start_memory_watchdog(int(request.get("memory_bytes") or 0))
    try:
        with memory_guard():
            result = transcribe(request["path"], request.get("language"), request.get("threads"))
        _send({"result": result})
    except (SttUnavailable, MediaError) as exc:
        _send({"error": str(exc)})
    except (MemoryError, OverMemory):
        _send({"error": "over_memory"})


if __name__ == "__main__":
    main()
