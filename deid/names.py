"""Finding names to replace: NER, speakers, the user's lists; the review table of proposals.

Practice followed (UK Data Service): one pseudonym per person across the project, replacements
visibly marked (``[Expert 3]``), originals kept as the earlier version, a log of replacements,
and the key (real name -> pseudonym) in a separate file next to the project, never in the
project database or an export.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sqlite_utils

from corpus import get_segments, get_text
from interviews import is_generic, speaker_labels, transcripts_frame
from nlp import ner_pipeline
from projectfile import Progress, project_path

from .forms import PARTICLES, TITLES, NameForms, fold_text, name_words
from .key import Pseudonyms, key_path_for, load_key

REVIEW_COLUMNS = [
    "document_id",
    "document_title",
    "char_start",
    "char_end",
    "original",
    "label",
    "source",
    "pseudonym",
    "context",
    "accept",
]


def ner_names(texts: list[tuple[str, str]]) -> set[str]:
    """Return the person names spaCy finds in (text, language) pairs (not 'en'/'es': English)."""
    names: set[str] = set()
    by_lang: dict[str, list[str]] = {}
    for text, lang in texts:
        by_lang.setdefault(lang if lang in ("en", "es") else "en", []).append(text)
    for lang, items in by_lang.items():
        nlp = ner_pipeline(lang)
        for doc in nlp.pipe(items, batch_size=64):
            for ent in doc.ents:
                if ent.label_ in ("PERSON", "PER"):
                    name = ent.text.strip(" \n'’\".,;:()[]")
                    words = name.split()
                    # a lone capitalised word is too often a place or a sentence opener
                    # ('Además', 'Querétaro'); single names are found through the parts of
                    # full names instead
                    if (
                        2 <= len(words) <= 4
                        and all(w[:1].isupper() for w in words)
                        and not name.startswith("[")
                        and not is_generic(name)
                    ):
                        names.add(name)
    return names


def occurrences(text: str, names: dict[str, str]) -> list[tuple[int, int, str, str]]:
    """Return (start, end, original, label) of each occurrence of ``names`` in any of its forms
    (``deid.forms``: any case, accents folded, joined by underscores, dots or hyphens, a
    person's name words alone, e-mail addresses holding them). The longest form wins where two
    overlap."""
    return [(s, e, o, lab) for s, e, o, lab, _ in matches(text, names)]


def matches(
    text: str, names: dict[str, str], forms: NameForms | None = None
) -> list[tuple[int, int, str, str, str]]:
    """Return (start, end, original, label, name) of each form of ``names`` (name -> label) in
    ``text``; ``name`` is the name of ``names`` the form belongs to (the e-mail address itself
    for an address that holds no known name)."""
    forms = forms or NameForms({n: lab == "PERSON" for n, lab in names.items()})
    out = []
    for s, e, owners in forms.find(text):
        original = text[s:e]
        words = " ".join(name_words(original))
        name = next((o for o in owners if " ".join(name_words(o)) == words), None)
        name = name or (owners[0] if owners else original)
        out.append((s, e, original, names.get(name, "PERSON"), name))
    return out


def _interview_documents(
    db: sqlite_utils.Database, document_ids: list[int] | None
) -> list[tuple[int, str]]:
    # current versions, pseudonymized ones too: a second pass catches missed names
    df = transcripts_frame(db)
    if document_ids is not None:
        df = df[df["document_id"].isin([int(i) for i in document_ids])]
    return list(zip(df["document_id"].astype(int), df["title"]))


def find_names(
    db: sqlite_utils.Database,
    document_ids: list[int] | None = None,
    names: list[str] = (),
    organisations: list[str] = (),
    pattern: str = "Expert {n}",
    org_pattern: str = "Organisation {n}",
    use_ner: bool = True,
    key_file: str | Path | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Return the review table (REVIEW_COLUMNS) of proposed replacements in current transcripts.

    Names come from spaCy NER (by turn language), the speakers' names, and the user's ``names``
    and ``organisations``; every occurrence of each name in every chosen transcript is proposed,
    with its pseudonym (existing key entries are reused) and about 40 characters of context on
    each side.
    """
    docs = _interview_documents(db, document_ids)
    key = load_key(key_file or key_path_for(project_path(db) or "project"))
    pseudo = Pseudonyms(key, pattern, org_pattern)
    found: dict[str, tuple[str, str]] = {}  # name -> (label, source)
    for label in speaker_labels(db) if docs else []:
        if not is_generic(label) and not label.startswith("["):
            found.setdefault(label, ("PERSON", "speaker"))
    for n in names:
        if n.strip():
            found[n.strip()] = ("PERSON", "list")
    for o in organisations:
        if o.strip():
            found[o.strip()] = ("ORG", "list")
    texts = {doc_id: get_text(db, doc_id) for doc_id, _ in docs}
    if use_ner:
        pairs = []
        for doc_id, _ in docs:
            segs = get_segments(db, doc_id, kind="turn")
            pairs += [(t, lang or "en") for t, lang in zip(segs["text"], segs["language"])]
        for n in sorted(ner_names(pairs)):
            found.setdefault(n, ("PERSON", "ner"))
    for n, (label, _) in list(found.items()):
        words = [w for w in n.split() if fold_text(w.strip(".,;:")) not in TITLES]
        if label == "PERSON" and len(words) >= 2:
            # 'Robles', 'Ana' or 'Ramiro' alone, after 'Ana Robles' / 'Ramiro Castellanos'
            for i, part in enumerate(words):
                part = part.strip(".,;:()")
                if len(part) < 3 or fold_text(part) in PARTICLES:
                    continue
                source = (
                    "surname" if i == len(words) - 1 else "first name" if i == 0 else "name part"
                )
                found.setdefault(part, ("PERSON", source))
    labels = {n: lab for n, (lab, _) in found.items()}
    forms = NameForms({n: lab == "PERSON" for n, lab in labels.items()})
    hits = []
    for i, (doc_id, title) in enumerate(docs):
        text = texts[doc_id]
        for s, e, o, lab, name in matches(text, labels, forms):
            if name not in found:  # an e-mail address of nobody named: a person of its own
                found[name] = ("PERSON", "e-mail")
            elif "@" in o:
                lab = "PERSON"
            hits.append((doc_id, title, s, e, o, lab, name))
        if progress:
            progress(i + 1, len(docs), title)
    # full names take their numbers first, in order of appearance, so a lone 'Ramiro' met before
    # 'Ramiro Castellanos' still gets Ramiro Castellanos's pseudonym
    for *_, label, name in sorted(hits, key=lambda h: len(h[6].split()) < 2):
        pseudo.get(name, label)
    rows = [
        {
            "document_id": doc_id,
            "document_title": title,
            "char_start": s,
            "char_end": e,
            "original": o,
            "label": lab,
            "source": "e-mail" if "@" in o else found[name][1],
            "pseudonym": pseudo.get(name, lab),
            "context": _context(texts[doc_id], s, e),
            "accept": True,
        }
        for doc_id, title, s, e, o, lab, name in hits
    ]
    return pd.DataFrame(rows, columns=REVIEW_COLUMNS)


def _context(text: str, s: int, e: int, width: int = 40) -> str:
    left = text[max(0, s - width) : s].replace("\n", " ")
    right = text[e : e + width].replace("\n", " ")
    return f"…{left}«{text[s:e]}»{right}…"


def add_name(
    db: sqlite_utils.Database,
    review: pd.DataFrame,
    name: str,
    label: str = "PERSON",
    pseudonym: str | None = None,
    key_file: str | Path | None = None,
    pattern: str = "Expert {n}",
    org_pattern: str = "Organisation {n}",
) -> pd.DataFrame:
    """Return ``review`` plus the occurrences of ``name`` in the reviewed transcripts not listed."""
    key = load_key(key_file or key_path_for(project_path(db) or "project"))
    pseudo = Pseudonyms(key, pattern, org_pattern)
    for existing in review.itertuples():
        pseudo.get(existing.original, existing.label)
    pseudonym = pseudonym or pseudo.get(name, label)
    doc_ids = sorted(set(review["document_id"])) or [d for d, _ in _interview_documents(db, None)]
    titles = dict(_interview_documents(db, None))
    taken = {(r.document_id, r.char_start) for r in review.itertuples()}
    rows = []
    for doc_id in doc_ids:
        text = get_text(db, int(doc_id))
        for s, e, original, _ in occurrences(text, {name: label}):
            if (doc_id, s) not in taken:
                rows.append(
                    {
                        "document_id": int(doc_id),
                        "document_title": titles.get(int(doc_id), ""),
                        "char_start": s,
                        "char_end": e,
                        "original": original,
                        "label": label,
                        "source": "added",
                        "pseudonym": pseudonym,
                        "context": _context(text, s, e),
                        "accept": True,
                    }
                )
    return pd.concat([review, pd.DataFrame(rows, columns=REVIEW_COLUMNS)], ignore_index=True)
