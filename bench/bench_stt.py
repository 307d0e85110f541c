"""Benchmark: offline speech to text (Whisper base, faster-whisper: ``interviews.speech_to_text``)
on recordings spoken by espeak-ng at run time, English and Spanish, ten sentences each.

    python bench/bench_stt.py [--smoke]

Each language's sentences are spoken one by one (espeak-ng, 150 words a minute) and joined into
one recording with 1.5 s of silence between them, the way an interview has pauses. Printed per
language: the word error rate against the sentences spoken (``interviews.word_error_rate``; digits
written for numbers said in words count as errors), the baseline measured in the same run (an
empty transcript, WER 1.0) and the ratio, the real-time factor (wall and CPU seconds over the
recording's seconds) and the peak resident memory of the speech-to-text process. ``--smoke``:
one sentence per language. Synthetic speech is clean and regular: real interviews score worse.
"""

from __future__ import annotations

import argparse
import array
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from interviews import speech_to_text, word_error_rate  # noqa: E402

ENGLISH = [
    "The consortium started in two thousand fourteen with three universities.",
    "Most of the funding came from the national science council.",
    "We trained technicians for the aerospace suppliers in the region.",
    "The first phase lasted almost three years and ended with an evaluation.",
    "Some firms did not trust the universities at the beginning.",
    "The state government gave in kind support and a building.",
    "Our students spent half of their time inside the companies.",
    "The dual education model came from Germany but we changed it.",
    "I think the main problem was the lack of qualified teachers.",
    "Today the programme has more than four hundred graduates.",
]
SPANISH = [
    "El consorcio empezó en dos mil catorce con tres universidades.",
    "La mayor parte del dinero vino del consejo nacional de ciencia.",
    "Formamos técnicos para los proveedores aeroespaciales de la región.",
    "La primera fase duró casi tres años y terminó con una evaluación.",
    "Algunas empresas no confiaban en las universidades al principio.",
    "El gobierno del estado dio apoyo en especie y un edificio.",
    "Nuestros estudiantes pasaban la mitad del tiempo en las empresas.",
    "El modelo de formación dual vino de Alemania pero lo cambiamos.",
    "Creo que el problema principal fue la falta de profesores calificados.",
    "Hoy el programa tiene más de cuatrocientos egresados.",
]
PAUSE_S = 1.5


def speak(sentences: list[str], lang: str, out: Path) -> float:
    """Write ``sentences`` spoken by espeak-ng, 1.5 s apart, to ``out`` (WAV); return seconds."""
    samples = array.array("h")
    rate = 22050
    with tempfile.TemporaryDirectory() as tmp:
        for i, text in enumerate(sentences):
            wav = Path(tmp) / f"{i}.wav"
            subprocess.run(
                ["espeak-ng", "-v", lang, "-s", "150", "-w", str(wav), text],
                check=True,
                stdin=subprocess.DEVNULL,
            )
            with wave.open(str(wav)) as w:
                rate = w.getframerate()
                samples.frombytes(w.readframes(w.getnframes()))
            samples.extend([0] * int(PAUSE_S * rate))
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return len(samples) / rate


def children_cpu() -> float:
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return kids.ru_utime + kids.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smoke", action="store_true", help="one sentence per language")
    args = ap.parse_args()
    for tool in ("espeak-ng", "ffmpeg", "ffprobe"):
        if not shutil.which(tool):
            print(f"{tool} is not installed (Debian package); nothing measured", file=sys.stderr)
            return 2
    n = 1 if args.smoke else len(ENGLISH)
    with tempfile.TemporaryDirectory() as tmp:
        for lang, sentences in (("en", ENGLISH[:n]), ("es", SPANISH[:n])):
            rec = Path(tmp) / f"{lang}.wav"
            seconds = speak(sentences, lang, rec)
            reference = " ".join(sentences)
            baseline = word_error_rate(reference, "")  # an empty transcript
            cpu0, t0 = children_cpu(), time.perf_counter()
            result = speech_to_text(rec, lang)
            wall, cpu = time.perf_counter() - t0, children_cpu() - cpu0
            heard = " ".join(s[2] for s in result.segments)
            wer = word_error_rate(reference, heard)
            peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(
                f"{lang}: {len(sentences)} sentences, {seconds:.1f} s of speech:"
                f" WER {wer:.3f} (baseline empty transcript {baseline:.3f},"
                f" ratio {wer / baseline:.2f}x); real-time factor {wall / seconds:.2f} wall,"
                f" {cpu / seconds:.2f} CPU; peak RSS of the speech process {peak_mb:.0f} MB",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
