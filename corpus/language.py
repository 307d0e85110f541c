"""Language detection for documents, paragraphs and turns (English, Spanish or other)."""

from __future__ import annotations

import functools
import re

SUPPORTED = ("en", "es")
_WORD = re.compile(r"[^\W\d_]{2,}")
# Frequent function words: decide short or mixed passages where the statistical model wavers.
_STOP = {
    "en": set(
        "the of and to in is that for it with as was on be by this are from or have not an at"
        " which but we they".split()
    ),
    "es": set(
        "de la que el en y los del se las por un para con no una su al lo como más pero sus le ya"
        " o fue este ha".split()
    ),
}
# Other languages' function words only veto the shortcut (French "le", "de", "la" look Spanish).
_VETO = {
    "fr": set(
        "le la les des du et est une un dans pour pas qui sur au avec ce son sont ses aux"
        " été".split()
    ),
    "pt": set("o os as da do das dos em um uma não com para por ao foi são seu sua também".split()),
}


@functools.cache
def _identifier():
    from pathlib import Path

    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_modelpath(Path(MODEL_DIR) / MODEL_FILE, norm_probs=True)
    ident.set_languages(["en", "es", "fr", "pt", "de", "it"])
    return ident


def detect_language(text: str, min_words: int = 3) -> str:
    """Return 'en', 'es', another ISO 639-1 code, or 'und' when there is too little text."""
    words = _WORD.findall(text[:20_000].lower())
    if len(words) < min_words:
        return "und"
    counts = {lang: sum(w in stop for w in words) for lang, stop in _STOP.items()}
    best = max(counts, key=counts.get)
    other = min(counts, key=counts.get)
    veto = max(sum(w in stop for w in words) for stop in _VETO.values())
    if (
        len(words) < 25
        and counts[best] >= 2
        and counts[best] >= 2 * max(counts[other], 1)
        and counts[best] > veto
    ):
        return best
    lang, _prob = _identifier().classify(" ".join(words[:3000]))
    return lang


def language_bucket(code: str) -> str:
    """Return 'en', 'es' or 'other' for a detected code (the filter values in the UI)."""
    return code if code in SUPPORTED else "other"
