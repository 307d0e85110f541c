"""Fuse keyword and meaning hits into the default ranking (pure: no database, no model).

Reciprocal rank fusion with equal weights (``fuse_rrf``, kept as the baseline) lets any passage
the keyword side found, however weakly, outrank a translation the meaning side found first: on a
cross-language query the keyword side has only the query's OR-relaxed words, which match
boilerplate. ``fuse`` is a score-aware convex combination instead (Bruch, Gai and Ingber, "An
Analysis of Fusion Functions for Hybrid Retrieval", ACM TOIS 2023):

    score = w * bm25 / max bm25  +  (1 - w) * (cosine - MIN_COSINE) / (top cosine - MIN_COSINE)

over the union of both pools, each keyword hit carrying its own cosine (looked up in the vector
index, so a passage both sides found is not counted twice by rank). ``w`` follows the query's
shape (``classify_query``) and how strong the keyword evidence is (``Evidence``): the query as
typed matched (strict), only its names and numbers matched (anchors), or only some of its words
(relaxed, OR), which is weak evidence and nearly falls back to meaning alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MIN_COSINE = 0.15  # below this a passage is unrelated to the query (translations: 0.75-0.9)
# an OR-relaxed keyword hit holding fewer than this share of the query's content words counts
# as no keyword evidence at all (one shared word is how boilerplate gets in)
MIN_COVERAGE = 0.5
HIT_START, HIT_END = "\x02", "\x03"  # corpus's snippet markers around keyword matches
RRF_K = 60
KINDS = ("phrase", "boolean", "identifier", "name", "natural")

_OPERATORS = {"AND", "OR", "NOT", "NEAR"}
_BOOLEAN = re.compile(r"\b(AND|OR|NOT)\b|NEAR\(|[()*]")
_TOKEN = re.compile(r"[^\s\"'“”‘’(),;:!?¿¡]+", re.UNICODE)
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_CONTENT = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_MARKED = re.compile(HIT_START + "(.*?)" + HIT_END, re.DOTALL)


def _fold(text: str) -> str:
    """Lower-case ``text`` and drop its diacritics (as the keyword index folds them)."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
    )


def coverage(query: str, snippet: str) -> float:
    """Return the share of the query's content words a keyword hit's snippet marks as matched."""
    words = {_fold(w) for w in _CONTENT.findall(query)}
    if not words:
        return 1.0
    marked = {_fold(w) for m in _MARKED.findall(str(snippet)) for w in re.findall(r"\w+", m)}
    return len(words & marked) / len(words)


@dataclass(frozen=True)
class QueryShape:
    """What a query looks like, from its text alone.

    ``kind``: phrase (a "quoted phrase"), boolean (AND/OR/NOT/NEAR, prefix*, brackets),
    identifier (a token with a digit: 737-8, 2018–23–51, 54957), name (a capitalised word after
    the first, or an acronym: CONACYT, Lion Air) or natural. ``anchors`` (names and identifiers
    only): the names and numbers, consecutive tokens kept together ("Lion Air", "Flight 610"),
    which survive translation and so are searched on their own when the query as typed matches
    nothing.
    """

    kind: str
    content_words: int
    anchors: tuple[str, ...] = ()


def _is_identifier(token: str) -> bool:
    return bool(_DIGIT.search(token))


def _is_name(token: str, first: bool) -> bool:
    letters = _LETTER.findall(token)
    if not letters:
        return False
    upper = sum(c.isupper() for c in letters)
    if len(letters) >= 2 and upper == len(letters):  # an acronym: CONACYT, T-MEC, NTSB
        return True
    return not first and token[0].isupper()


def classify_query(query: str) -> QueryShape:
    """Return the shape of ``query`` (see QueryShape); the first matching kind in KINDS wins."""
    tokens = _TOKEN.findall(query)
    content = len(_CONTENT.findall(query))
    anchors: list[str] = []
    run: list[str] = []
    for i, tok in enumerate(tokens):
        if tok not in _OPERATORS and (_is_identifier(tok) or _is_name(tok, first=i == 0)):
            run.append(tok.strip(".-–"))
            continue
        if run:
            anchors.append(" ".join(run))
            run = []
    if run:
        anchors.append(" ".join(run))
    anchors = [a for a in anchors if a]
    if '"' in query or "“" in query:
        kind = "phrase"
    elif _BOOLEAN.search(query):
        kind = "boolean"
    elif any(_is_identifier(t) for t in tokens):
        kind = "identifier"
    elif anchors:
        kind = "name"
    else:
        kind = "natural"
    if kind in ("phrase", "boolean"):  # the user wrote the keyword query: nothing to relax
        anchors = []
    return QueryShape(kind=kind, content_words=content, anchors=tuple(dict.fromkeys(anchors)))


@dataclass(frozen=True)
class Evidence:
    """How the keyword hits were found: ``strict`` (the query as typed), ``anchors`` (its names
    and numbers alone, all of them), ``relaxed`` (any of its content words, OR) or ``none``."""

    level: str = "none"
    hits: int = 0

    @property
    def relaxed(self) -> bool:
        return self.level in ("anchors", "relaxed")


@dataclass(frozen=True)
class FusionWeights:
    """Keyword weight ``w`` per query kind for strict hits, and for weaker evidence.

    Fitted by ``bench/tune_fusion.py`` on judged set 1 (demo + interviews), from the start values
    phrase/boolean/identifier 0.8, name 0.6, natural 0.35, anchors 0.5, relaxed 0.1, and
    reported on set 2 (public policy documents nobody on the project wrote).
    """

    strict: dict = field(
        default_factory=lambda: {
            "phrase": 0.8,
            "boolean": 0.8,
            "identifier": 0.8,
            "name": 0.6,
            "natural": 0.35,
        }
    )
    anchors: float = 0.55
    relaxed: float = 0.2

    def keyword_weight(self, shape: QueryShape, evidence: Evidence) -> float:
        if evidence.level == "strict":
            return float(self.strict[shape.kind])
        if evidence.level == "anchors":
            return self.anchors
        return self.relaxed


DEFAULT_WEIGHTS = FusionWeights()


def _key(hit: dict) -> tuple[float, int]:
    return (-hit["score"], int(hit["segment_id"]))


def fuse(
    keyword: list[dict],
    meaning: list[dict],
    shape: QueryShape,
    evidence: Evidence,
    weights: FusionWeights = DEFAULT_WEIGHTS,
    limit: int | None = None,
) -> list[dict]:
    """Return the fused ranking of both pools, best first.

    ``keyword``: hits best first, each a dict with ``segment_id``, ``bm25`` (higher is better),
    ``cosine`` (the passage's cosine to the query, None when it has no vector) and, for relaxed
    evidence, ``coverage`` (share of the query's content words it holds: its keyword part, zero
    below MIN_COVERAGE); ``meaning``:
    hits best first with ``segment_id`` and ``cosine``. Other keys are kept (a passage both found
    keeps the keyword hit's). Each result gets ``score`` (the fused score) and ``matched``
    (keyword, meaning or both).
    """
    w = weights.keyword_weight(shape, evidence) if keyword else 0.0
    cosines = [h["cosine"] for h in meaning] + [
        h["cosine"] for h in keyword if h.get("cosine") is not None
    ]
    top = max(cosines, default=MIN_COSINE)
    span = max(top - MIN_COSINE, 1e-6)
    best_bm25 = max((float(h["bm25"]) for h in keyword), default=0.0)

    def cos_part(c) -> float:
        return 0.0 if c is None else min(max((float(c) - MIN_COSINE) / span, 0.0), 1.0)

    out: dict[int, dict] = {}
    for h in keyword:
        if evidence.level == "relaxed":
            share = float(h.get("coverage", 0.0))
            kw = share if share >= MIN_COVERAGE else 0.0
        else:
            kw = float(h["bm25"]) / best_bm25 if best_bm25 > 0 else 1.0
        out[int(h["segment_id"])] = {
            **h,
            "score": w * kw + (1 - w) * cos_part(h.get("cosine")),
            "matched": "keyword",
        }
    for h in meaning:
        sid = int(h["segment_id"])
        if sid in out:
            out[sid]["matched"] = "both"
            continue
        out[sid] = {**h, "score": (1 - w) * cos_part(h["cosine"]), "matched": "meaning"}
    ranked = sorted(out.values(), key=_key)
    return ranked if limit is None else ranked[:limit]


def fuse_rrf(keyword: list[dict], meaning: list[dict], k: int = RRF_K) -> list[dict]:
    """Return equal-weight reciprocal rank fusion of both pools (the former default; a baseline)."""
    out: dict[int, dict] = {}
    for rank, h in enumerate(keyword):
        out[int(h["segment_id"])] = {**h, "score": 1.0 / (k + rank + 1), "matched": "keyword"}
    for rank, h in enumerate(meaning):
        sid = int(h["segment_id"])
        add = 1.0 / (k + rank + 1)
        if sid in out:
            out[sid]["score"] += add
            out[sid]["matched"] = "both"
        else:
            out[sid] = {**h, "score": add, "matched": "meaning"}
    return sorted(out.values(), key=_key)
