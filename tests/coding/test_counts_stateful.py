"""The promise of issue 20: after any sequence of work, every view counts what a reference model
says.

A hypothesis state machine imports documents, codes and uncodes spans (two coders), corrects
documents (words inserted, deleted and changed), codes in batches, undoes and redoes, moves and
merges codes; after every step the codebook, the code page listing, retrieval, frequencies, the
evidence table and the dashboard's count must equal the model's numbers, and the count-once views
must agree with the distinct coded segments of the listing.

Documents are made of unique words, so the model can follow a coding through a correction by its
words: a coding keeps the words of its range that survive (a changed word becomes its
replacement) and goes to review, out of every count, when none survive.
"""

from __future__ import annotations

import hashlib
import itertools
import tempfile
from collections import Counter
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import coding as C
from coding import Scope
from corpus import get_text, list_documents
from corpus.model import Document
from corpus.store import store_document
from exports import evidence_table
from projectfile import open_project
from workflows import correct_document, deidentify, merge_project

CODERS = ("ana", "ben")
EVERY = Scope(count="codings")


class Model:
    """Documents as lists of unique words; codings as (code, coder, document key, word tuple)."""

    def __init__(self):
        self.docs: dict[str, list[str]] = {}
        self.codings: list[tuple[str, str, str, tuple[str, ...]]] = []
        self.codes: dict[str, str | None] = {}  # path -> parent path
        self.ids: dict[str, int] = {}  # document key -> id of its current version

    def copy(self) -> Model:
        m = Model()
        m.docs = {k: list(v) for k, v in self.docs.items()}
        m.codings = list(self.codings)
        m.codes = dict(self.codes)
        m.ids = dict(self.ids)
        return m


def _text(words: list[str]) -> str:
    return " ".join(words) + "\n"


def _offsets(words: list[str], i: int, j: int) -> tuple[int, int]:
    """Return the character range of words i..j (inclusive) of ``_text(words)``."""
    start = sum(len(w) + 1 for w in words[:i])
    end = start + sum(len(w) + 1 for w in words[i : j + 1]) - 1
    return start, end


class CountsMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        self.db = open_project(Path(self.tmp.name) / "s.qda.sqlite")
        self.model = Model()
        self.fresh = itertools.count()
        self.history: list[tuple[str, Model, str]] = []  # (coder, model before, kind)
        self.undone: list[tuple[str, Model]] = []  # (coder, model before the undo)
        self.last_undo_by: str | None = None

    def teardown(self):
        self.db.conn.close()
        self.tmp.cleanup()

    # --- helpers ---------------------------------------------------------------------------
    def _word(self, prefix: str = "w") -> str:
        return f"{prefix}{next(self.fresh)}x"

    def _done(self, coder: str, before: Model, kind: str = "coding") -> None:
        self.history.append((coder, before, kind))
        self.undone.clear()
        self.last_undo_by = None

    def _add_code(self, path: str, parent: str | None) -> None:
        C.add_code(self.db, path.split(" > ")[-1], parent=parent, coder="setup", session="setup")
        self.model.codes[path] = parent

    # --- rules -----------------------------------------------------------------------------
    @initialize()
    def codebook(self):
        self._add_code("Talent", None)
        self._add_code("Funding", None)
        self._add_code("Talent > Training", "Talent")
        self._add_code("Policy", None)

    @rule(n=st.integers(3, 14))
    def import_document(self, n):
        key = f"doc{len(self.model.docs)}"
        words = [self._word() for _ in range(n)]
        text = _text(words)
        doc = Document(
            text=text,
            title=key,
            source_name=f"{key}.txt",
            sha256=hashlib.sha256(text.encode()).hexdigest(),
        )
        doc_id = store_document(self.db, doc, segment_language=False)
        # an import is no coding action: undo and redo leave the document where it is
        for model in [self.model, *(m for _, m, _ in self.history), *(m for _, m in self.undone)]:
            model.ids[key] = doc_id
            model.docs[key] = list(words)

    @precondition(lambda self: self.model.docs)
    @rule(data=st.data(), coder=st.sampled_from(CODERS))
    def code(self, data, coder):
        key = data.draw(st.sampled_from(sorted(self.model.docs)))
        words = self.model.docs[key]
        i = data.draw(st.integers(0, len(words) - 1))
        j = data.draw(st.integers(i, min(len(words) - 1, i + 4)))
        code = data.draw(st.sampled_from(sorted(self.model.codes)))
        start, end = _offsets(words, i, j)
        entry = (code, coder, key, tuple(words[i : j + 1]))
        before = self.model.copy()
        C.code_span(self.db, self.model.ids[key], start, end, code, coder)
        if entry in self.model.codings:  # the same coding again is not a new one
            return
        self.model.codings.append(entry)
        self._done(coder, before)

    @precondition(lambda self: self.model.codings)
    @rule(data=st.data())
    def uncode(self, data):
        listing = C.codings_frame(self.db)
        row = listing.iloc[data.draw(st.integers(0, len(listing) - 1))]
        key = next(k for k, v in self.model.ids.items() if v == int(row["document_id"]))
        entry = (row["code_path"], row["coder"], key, tuple(row["text"].split()))
        assert entry in self.model.codings, entry
        before = self.model.copy()
        C.delete_coding(self.db, int(row["coding_id"]), row["coder"])
        self.model.codings.remove(entry)
        self._done(row["coder"], before)

    @precondition(lambda self: self.model.docs)
    @rule(data=st.data(), kind=st.sampled_from(["insert", "delete", "change", "mixed"]))
    def correct(self, data, kind):
        key = data.draw(st.sampled_from(sorted(self.model.docs)))
        words = list(self.model.docs[key])
        changed: dict[str, str] = {}
        deleted: set[str] = set()
        # the changes stand apart (an unchanged word between any two), so which words a coding
        # keeps is unambiguous: next to each other, a deletion, a changed word and an insertion
        # form one replaced region, whose mapping the text model leaves to the diff
        n = len(words)
        busy: set[int] = set()  # original positions touched or next to a change
        if kind in ("delete", "mixed") and n > 2:
            i = data.draw(st.integers(0, n - 2))
            k = data.draw(st.integers(1, min(3, n - 1 - i)))
            deleted = set(words[i : i + k])
            busy |= set(range(i - 1, i + k + 1))
        if kind in ("change", "mixed"):
            free = [
                i for i in range(n) if i not in busy and i - 1 not in busy and i + 1 not in busy
            ]
            if free:
                i = data.draw(st.sampled_from(free))
                changed[words[i]] = self._word("c")
                busy |= {i - 1, i, i + 1}
        insert_at = None
        if kind in ("insert", "mixed") or not (deleted or changed):
            free = [p for p in range(n + 1) if p not in busy and p - 1 not in busy]
            if free:
                insert_at = data.draw(st.sampled_from(free))
        new_words = []
        for p, w in enumerate(words):
            if p == insert_at:
                new_words += [self._word("n"), self._word("n")]
            if w not in deleted:
                new_words.append(changed.get(w, w))
        if insert_at == n:
            new_words += [self._word("n"), self._word("n")]
        if new_words == words:
            return
        words = new_words
        before = self.model.copy()
        result = correct_document(self.db, self.model.ids[key], _text(words), "ana")
        self.model.ids[key] = result.edit.new_document_id
        codings = []
        for code, coder, k, span in self.model.codings:
            if k == key:
                span = tuple(changed.get(w, w) for w in span if w not in deleted)
                if not span:
                    continue  # its words are gone: the coding waits for review, out of counts
            codings.append((code, coder, k, span))
        self.model.docs[key] = words
        self.model.codings = codings
        self._done("ana", before, "edit")

    @precondition(lambda self: len(self.model.docs) >= 1)
    @rule(data=st.data(), coder=st.sampled_from(CODERS))
    def batch(self, data, coder):
        code = data.draw(st.sampled_from(sorted(self.model.codes)))
        rows, entries = [], []
        for key in data.draw(st.lists(st.sampled_from(sorted(self.model.docs)), max_size=3)):
            words = self.model.docs[key]
            i = data.draw(st.integers(0, len(words) - 1))
            entry = (code, coder, key, (words[i],))
            if entry in self.model.codings or entry in entries:
                continue
            start, end = _offsets(words, i, i)
            rows.append(
                {
                    "document_id": self.model.ids[key],
                    "char_start": start,
                    "char_end": end,
                    "code": code,
                }
            )
            entries.append(entry)
        if not rows:
            return
        before = self.model.copy()
        C.apply_batch(self.db, rows, "stateful test", coder)
        self.model.codings += entries
        # a batch is undone with undo_batch, not undo: keep it out of the undo model
        self.history.clear()
        self.undone.clear()
        del before

    @precondition(lambda self: self.history)
    @rule(coder=st.sampled_from(CODERS))
    def undo(self, coder):
        if self.history[-1][0] != coder:
            return  # another coder acted since: the model would need the undo log's rules
        _, before, kind = self.history.pop()
        assert C.undo(self.db, coder) is not None
        if kind == "edit":  # an undone edit's version is deleted: it cannot be redone
            self.undone.clear()
        else:
            self.undone.append((coder, self.model))
        self.model = before
        self.last_undo_by = coder

    @precondition(lambda self: self.undone)
    @rule()
    def redo(self):
        coder, after = self.undone[-1]
        if self.last_undo_by != coder:
            return
        assert C.redo(self.db, coder) is not None
        self.undone.pop()
        self.history.append((coder, self.model, "coding"))
        self.model = after

    @precondition(lambda self: "Funding" in self.model.codes and "Policy" in self.model.codes)
    @rule()
    def merge_codes(self):
        before = self.model.copy()
        C.merge_codes(self.db, "Policy", "Funding", coder="ana")
        merged = []
        for code, coder, key, span in self.model.codings:
            entry = ("Funding" if code == "Policy" else code, coder, key, span)
            if entry not in merged:  # the same coder's same span on both collapses to one
                merged.append(entry)
        self.model.codings = merged
        del self.model.codes["Policy"]
        self._done("ana", before)

    @precondition(lambda self: "Talent > Training" in self.model.codes)
    @rule()
    def move_code(self):
        before = self.model.copy()
        C.move_code(self.db, "Talent > Training", "Funding", coder="ana")
        rename = {"Talent > Training": "Funding > Training"}
        self.model.codings = [(rename.get(c, c), r, k, s) for c, r, k, s in self.model.codings]
        del self.model.codes["Talent > Training"]
        self.model.codes["Funding > Training"] = "Funding"
        self._done("ana", before)

    @precondition(lambda self: len(self.model.docs) < 8)
    @rule(n=st.integers(3, 8), k=st.integers(1, 3))
    def merge_project(self, n, k):
        """Merge another project holding a new document coded by another coder (carla)."""
        key = f"doc{len(self.model.docs)}"
        words = [self._word("m") for _ in range(n)]
        text = _text(words)
        other_path = Path(self.tmp.name) / f"other-{key}.qda.sqlite"
        other = open_project(other_path)
        try:
            C.ensure_code_path(other, "Talent", coder="carla")
            doc = Document(
                text=text,
                title=key,
                source_name=f"{key}.txt",
                sha256=hashlib.sha256(text.encode()).hexdigest(),
            )
            other_id = store_document(other, doc, segment_language=False)
            entries = []
            for i in range(min(k, n)):
                start, end = _offsets(words, i, i)
                C.code_span(other, other_id, start, end, "Talent", "carla")
                entries.append(("Talent", "carla", key, (words[i],)))
        finally:
            other.conn.close()
        before = self.model.copy()
        merge_project(self.db, other_path, coder="ana")
        merged = list_documents(self.db)
        self.model.ids[key] = int(merged.loc[merged["title"] == key, "id"].iloc[0])
        self.model.docs[key] = words
        if "Talent" not in self.model.codes:  # a merge brings the code in by its path
            self.model.codes["Talent"] = None
        self.model.codings += entries
        merge_project(self.db, other_path, coder="ana")  # a second merge adds nothing
        self._done("system", before, "merge")

    @precondition(lambda self: self.model.docs)
    @rule(data=st.data())
    def pseudonymise(self, data):
        """Replace one word of a document by a pseudonym (de-identification writes a version)."""
        key = data.draw(st.sampled_from(sorted(self.model.docs)))
        words = list(self.model.docs[key])
        i = data.draw(st.integers(0, len(words) - 1))
        start, end = _offsets(words, i, i)
        pseudonym = self._word("P")
        review = pd.DataFrame(
            [
                {
                    "document_id": self.model.ids[key],
                    "document_title": key,
                    "char_start": start,
                    "char_end": end,
                    "original": words[i],
                    "label": "PERSON",
                    "source": "test",
                    "pseudonym": pseudonym,
                    "context": "",
                    "accept": True,
                }
            ]
        )
        before = self.model.copy()
        done = deidentify(self.db, review)
        self.model.ids[key] = int(done.result["new_document_id"].iloc[0])
        old = words[i]
        pseudonym = f"[{pseudonym}]"  # replacements are marked as such in the text
        words[i] = pseudonym
        self.model.docs[key] = words
        self.model.codings = [
            (c, r, k, tuple(pseudonym if w == old else w for w in span))
            if k == key
            else (c, r, k, span)
            for c, r, k, span in self.model.codings
        ]
        self._done("system", before, "deid")

    # --- what every view must say ------------------------------------------------------------
    @invariant()
    def views_count_what_the_model_says(self):
        m = self.model
        per_code = Counter(c for c, _, _, _ in m.codings)
        docs_per_code = {c: len({k for cc, _, k, _ in m.codings if cc == c}) for c in per_code}
        listing = C.codings_frame(self.db)
        assert len(listing) == len(m.codings)  # the dashboard's "Codings"
        got = sorted(
            (r.code_path, r.coder, self._key(r.document_id), tuple(r.text.split()))
            for r in listing.itertuples()
        )
        assert got == sorted(m.codings)
        book = C.codes_frame(self.db, scope=EVERY).set_index("path")
        assert sorted(book.index) == sorted(m.codes)
        for path in m.codes:
            assert book.loc[path, "codings"] == per_code.get(path, 0), path
            assert book.loc[path, "documents"] == docs_per_code.get(path, 0), path
        freq = C.frequencies(self.db, scope=EVERY).set_index("code_path")["codings"]
        assert freq.to_dict() == {p: n for p, n in per_code.items() if n}
        for path in m.codes:
            own = C.retrieve(self.db, EVERY.replace(codes=(path,)))
            assert len(own) == per_code.get(path, 0), path
            tree = C.retrieve(self.db, EVERY.replace(codes=(path,), children=True))
            below = [p for p in m.codes if p == path or p.startswith(path + " > ")]
            assert len(tree) == sum(per_code.get(p, 0) for p in below), path
        evidence = evidence_table(self.db, children=False)
        assert Counter(evidence["code_path"]) == +per_code
        # count-once views agree with the distinct segments of the listing
        segments = Counter(
            r.code_path
            for r in listing.drop_duplicates(
                ["code_id", "document_id", "char_start", "char_end"]
            ).itertuples()
        )
        once = C.codes_frame(self.db, scope=Scope(count="segments")).set_index("path")
        for path in m.codes:
            assert once.loc[path, "codings"] == segments.get(path, 0), path
        for key, words in m.docs.items():
            assert get_text(self.db, self.model.ids[key]) == _text(words)

    def _key(self, document_id) -> str:
        return next(k for k, v in self.model.ids.items() if v == int(document_id))


CountsMachine.TestCase.settings = settings(
    max_examples=12,
    stateful_step_count=25,
    deadline=None,
    derandomize=True,  # the same sequences every run: a failure is a bug, never luck
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the failing steps are printed
    suppress_health_check=list(HealthCheck),
)
test_every_view_counts_what_the_model_says = CountsMachine.TestCase
