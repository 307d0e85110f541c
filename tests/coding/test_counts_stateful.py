"""The promise of issue 20: after any sequence of work, every view counts what a reference model
says.

A hypothesis state machine imports documents, codes and uncodes spans (two coders), corrects
documents (words inserted, deleted and changed), codes in batches, undoes and redoes, moves and
merges codes, lets the assistant code (kept apart: no view counts it); after every step the
codebook, the code page listing, retrieval, frequencies, the evidence table and the dashboard's
count must equal the model's numbers, and the count-once views must agree with the distinct coded
segments of the listing.

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
from interviews import cases_frame
from projectfile import open_project
from workflows import correct_document, deidentify, import_transcripts, merge_project

CODERS = ("ana", "ben")
EVERY = Scope(count="codings")


Turn = tuple  # (speaker or None, [words])


class Model:
    """Documents as turns of unique words (one turn without a speaker for a plain document);
    codings as (code, coder, document key, word tuple), whole-case codings as (code, coder,
    'case:<case name>', ()); the cases alive."""

    def __init__(self):
        self.docs: dict[str, list[Turn]] = {}
        self.cases: set[str] = set()
        self.codings: list[tuple[str, str, str, tuple[str, ...]]] = []
        self.codes: dict[str, str | None] = {}  # path -> parent path
        self.ids: dict[str, int] = {}  # document key -> id of its current version
        self.summaries: dict[tuple[str, str], str] = {}  # (case name, code path) -> text

    def copy(self) -> Model:
        m = Model()
        m.docs = {k: [(spk, list(w)) for spk, w in v] for k, v in self.docs.items()}
        m.cases = set(self.cases)
        m.codings = list(self.codings)
        m.codes = dict(self.codes)
        m.ids = dict(self.ids)
        m.summaries = dict(self.summaries)
        return m


def _text(turns: list[Turn]) -> str:
    """Return the canonical text of a document (a transcript: 'Speaker: words' per turn)."""
    if turns[0][0] is None:
        return " ".join(turns[0][1]) + "\n"
    return "\n\n".join(f"{spk}: {' '.join(words)}" for spk, words in turns)


def _offsets(turns: list[Turn], t: int, i: int, j: int) -> tuple[int, int]:
    """Return the character range of words i..j (inclusive) of turn t of ``_text(turns)``."""
    before = _text(turns[:t]) + "\n\n" if t and turns[0][0] is not None else ""
    words = turns[t][1]
    start = len(before) + (len(turns[t][0]) + 2 if turns[t][0] is not None else 0)
    start += sum(len(w) + 1 for w in words[:i])
    end = start + sum(len(w) + 1 for w in words[i : j + 1]) - 1
    return start, end


def _case_of(key: str, speaker: str | None) -> str | None:
    """Return the case name interviews gives a transcript's speaker."""
    return None if speaker is None else f"{speaker} ({key})"


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
        self.assistant = C.ensure_assistant(self.db, "usem3", "stateful", "2026-12-05")
        self.assistant_coded = False

    def _imported(self, key: str, doc_id: int, turns: list[Turn]) -> None:
        # an import is no coding action: undo and redo leave the document where it is
        for model in [self.model, *(m for _, m, _ in self.history), *(m for _, m in self.undone)]:
            model.ids[key] = doc_id
            model.docs[key] = [(spk, list(w)) for spk, w in turns]
            model.cases |= {_case_of(key, spk) for spk, _ in turns if spk is not None}

    @rule(n=st.integers(3, 14))
    def import_document(self, n):
        key = f"doc{len(self.model.docs)}"
        turns = [(None, [self._word() for _ in range(n)])]
        text = _text(turns)
        doc = Document(
            text=text,
            title=key,
            source_name=f"{key}.txt",
            sha256=hashlib.sha256(text.encode()).hexdigest(),
        )
        self._imported(key, store_document(self.db, doc, segment_language=False), turns)

    @rule(lengths=st.lists(st.integers(1, 5), min_size=2, max_size=4))
    def import_transcript(self, lengths):
        """Import an interview: the interviewer and one expert take turns (each a case)."""
        key = f"doc{len(self.model.docs)}"
        expert = f"Expert{key[3:]}"
        speakers = ["Interviewer", expert]
        turns = [(speakers[t % 2], [self._word() for _ in range(n)]) for t, n in enumerate(lengths)]
        path = Path(self.tmp.name) / f"{key}.txt"
        path.write_text(_text(turns), encoding="utf-8")
        roles = {"Interviewer": "interviewer", expert: "interviewee"}
        import_transcripts(self.db, [str(path)], roles=roles)
        docs = list_documents(self.db)
        self._imported(key, int(docs.loc[docs["title"] == key, "id"].iloc[0]), turns)

    def _pick_words(self, data, key: str, longest: int = 5) -> tuple[int, int, int]:
        turns = self.model.docs[key]
        t = data.draw(st.integers(0, len(turns) - 1))
        words = turns[t][1]
        i = data.draw(st.integers(0, len(words) - 1))
        j = data.draw(st.integers(i, min(len(words) - 1, i + longest - 1)))
        return t, i, j

    @precondition(lambda self: self.model.docs)
    @rule(data=st.data(), coder=st.sampled_from(CODERS))
    def code(self, data, coder):
        key = data.draw(st.sampled_from(sorted(self.model.docs)))
        t, i, j = self._pick_words(data, key)
        code = data.draw(st.sampled_from(sorted(self.model.codes)))
        turns = self.model.docs[key]
        start, end = _offsets(turns, t, i, j)
        entry = (code, coder, key, tuple(turns[t][1][i : j + 1]))
        before = self.model.copy()
        C.code_span(self.db, self.model.ids[key], start, end, code, coder)
        if entry in self.model.codings:  # the same coding again is not a new one
            return
        self.model.codings.append(entry)
        self._done(coder, before)

    @precondition(lambda self: self.model.docs)
    @rule(data=st.data())
    def assistant_codes(self, data):
        """The assistant codes a span: kept apart from people, so the model (and every view
        counting it) ignores it."""
        key = data.draw(st.sampled_from(sorted(self.model.docs)))
        t, i, j = self._pick_words(data, key)
        code = data.draw(st.sampled_from(sorted(self.model.codes)))
        start, end = _offsets(self.model.docs[key], t, i, j)
        C.code_span(self.db, self.model.ids[key], start, end, code, self.assistant)
        self.assistant_coded = True

    @precondition(lambda self: self.model.cases)
    @rule(data=st.data(), coder=st.sampled_from(CODERS))
    def code_case(self, data, coder):
        name = data.draw(st.sampled_from(sorted(self.model.cases)))
        code = data.draw(st.sampled_from(sorted(self.model.codes)))
        entry = (code, coder, f"case:{name}", ())
        before = self.model.copy()
        C.code_case(self.db, self._case_id(name), code, coder)
        if entry in self.model.codings:
            return
        self.model.codings.append(entry)
        self._done(coder, before)

    @precondition(lambda self: self.model.cases)
    @rule(data=st.data(), coder=st.sampled_from(CODERS), clear=st.booleans())
    def write_cell_summary(self, data, coder, clear):
        """Write (or clear) the framework summary of a case x code cell: counts never move."""
        name = data.draw(st.sampled_from(sorted(self.model.cases)))
        code = data.draw(st.sampled_from(sorted(self.model.codes)))
        text = "" if clear else f"summary {self._word('s')}"
        before = self.model.copy()
        C.set_cell_summary(self.db, f"case:{self._case_id(name)}", code, text, coder)
        if (name, code) not in self.model.summaries and not text:
            return  # nothing written: no action
        if text:
            self.model.summaries[name, code] = text
        else:
            del self.model.summaries[name, code]
        self._done(coder, before, "summary")

    @precondition(lambda self: self.model.codings)
    @rule(data=st.data())
    def uncode(self, data):
        listing = C.codings_frame(self.db)
        row = listing.iloc[data.draw(st.integers(0, len(listing) - 1))]
        entry = self._entry(row)
        assert entry in self.model.codings, entry
        before = self.model.copy()
        C.delete_coding(self.db, int(row["coding_id"]), row["coder"])
        self.model.codings.remove(entry)
        self._done(row["coder"], before)

    def _editable(self) -> list[str]:
        """Documents whose speakers all still have their cases (a deleted case's speaker stays
        unlinked; whether a re-parse links it again is the case tests' business)."""
        return sorted(
            k
            for k, turns in self.model.docs.items()
            if all(spk is None or _case_of(k, spk) in self.model.cases for spk, _ in turns)
        )

    @precondition(lambda self: self._editable())
    @rule(data=st.data(), kind=st.sampled_from(["insert", "delete", "change", "mixed"]))
    def correct(self, data, kind):
        key = data.draw(st.sampled_from(self._editable()))
        turns = [(spk, list(w)) for spk, w in self.model.docs[key]]
        t = data.draw(st.integers(0, len(turns) - 1))
        words = turns[t][1]
        changed: dict[str, str] = {}
        deleted: set[str] = set()
        # the changes stand apart (an unchanged word between any two), so which words a coding
        # keeps is unambiguous: next to each other, a deletion, a changed word and an insertion
        # form one replaced region, whose mapping the text model leaves to the diff. A turn
        # keeps at least one word.
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
        turns[t] = (turns[t][0], new_words)
        before = self.model.copy()
        result = correct_document(self.db, self.model.ids[key], _text(turns), "ana")
        self.model.ids[key] = result.edit.new_document_id
        codings = []
        for code, coder, k, span in self.model.codings:
            if k == key:
                span = tuple(changed.get(w, w) for w in span if w not in deleted)
                if not span:
                    continue  # its words are gone: the coding waits for review, out of counts
            codings.append((code, coder, k, span))
        self.model.docs[key] = turns
        self.model.codings = codings
        self._done("ana", before, "edit")

    @precondition(lambda self: len(self.model.docs) >= 1)
    @rule(data=st.data(), coder=st.sampled_from(CODERS))
    def batch(self, data, coder):
        code = data.draw(st.sampled_from(sorted(self.model.codes)))
        rows, entries = [], []
        for key in data.draw(st.lists(st.sampled_from(sorted(self.model.docs)), max_size=3)):
            t, i, _ = self._pick_words(data, key, longest=1)
            turns = self.model.docs[key]
            entry = (code, coder, key, (turns[t][1][i],))
            if entry in self.model.codings or entry in entries:
                continue
            start, end = _offsets(turns, t, i, i)
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
        C.apply_batch(self.db, rows, "stateful test", coder)
        self.model.codings += entries
        # a batch is undone with undo_batch, not undo: keep it out of the undo model
        self.history.clear()
        self.undone.clear()

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
        # a merged code's cell summaries stay with it in the trash (back if it is restored)
        self.model.summaries = {k: v for k, v in self.model.summaries.items() if k[1] != "Policy"}
        self._done("ana", before)

    @precondition(lambda self: "Talent > Training" in self.model.codes)
    @rule()
    def move_code(self):
        before = self.model.copy()
        C.move_code(self.db, "Talent > Training", "Funding", coder="ana")
        rename = {"Talent > Training": "Funding > Training"}
        self.model.codings = [(rename.get(c, c), r, k, s) for c, r, k, s in self.model.codings]
        self.model.summaries = {
            (case, rename.get(code, code)): t for (case, code), t in self.model.summaries.items()
        }
        del self.model.codes["Talent > Training"]
        self.model.codes["Funding > Training"] = "Funding"
        self._done("ana", before)

    @precondition(lambda self: self.model.cases)
    @rule(data=st.data())
    def delete_case(self, data):
        """Delete a case: its whole-case codings go to the trash, its speaker's codings stay on
        the text (counted for no case)."""
        name = data.draw(st.sampled_from(sorted(self.model.cases)))
        before = self.model.copy()
        C.delete_case(self.db, self._case_id(name), coder="ana")
        self.model.cases.discard(name)
        self.model.summaries = {k: v for k, v in self.model.summaries.items() if k[0] != name}
        self.model.codings = [e for e in self.model.codings if e[2] != f"case:{name}"]
        self._done("system", before, "case")

    @precondition(lambda self: len(self.model.docs) < 8)
    @rule(n=st.integers(3, 8), k=st.integers(1, 3))
    def merge_project(self, n, k):
        """Merge another project holding a new document coded by another coder (carla)."""
        key = f"doc{len(self.model.docs)}"
        turns = [(None, [self._word("m") for _ in range(n)])]
        text = _text(turns)
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
                start, end = _offsets(turns, 0, i, i)
                C.code_span(other, other_id, start, end, "Talent", "carla")
                entries.append(("Talent", "carla", key, (turns[0][1][i],)))
        finally:
            other.conn.close()
        before = self.model.copy()
        merge_project(self.db, other_path, coder="ana")
        merged = list_documents(self.db)
        self.model.ids[key] = int(merged.loc[merged["title"] == key, "id"].iloc[0])
        self.model.docs[key] = turns
        if "Talent" not in self.model.codes:  # a merge brings the code in by its path
            self.model.codes["Talent"] = None
        self.model.codings += entries
        merge_project(self.db, other_path, coder="ana")  # a second merge adds nothing
        self._done("system", before, "merge")

    @precondition(lambda self: self._editable())
    @rule(data=st.data())
    def pseudonymise(self, data):
        """Replace one word of a document by a pseudonym (de-identification writes a version)."""
        key = data.draw(st.sampled_from(self._editable()))
        t, i, _ = self._pick_words(data, key, longest=1)
        turns = [(spk, list(w)) for spk, w in self.model.docs[key]]
        start, end = _offsets(turns, t, i, i)
        old = turns[t][1][i]
        pseudonym = self._word("P")
        review = pd.DataFrame(
            [
                {
                    "document_id": self.model.ids[key],
                    "document_title": key,
                    "char_start": start,
                    "char_end": end,
                    "original": old,
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
        pseudonym = f"[{pseudonym}]"  # replacements are marked as such in the text
        turns[t][1][i] = pseudonym
        self.model.docs[key] = turns
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
        spans = [e for e in m.codings if not e[2].startswith("case:")]
        per_code = Counter(c for c, _, _, _ in m.codings)
        span_per_code = Counter(c for c, _, _, _ in spans)
        docs_per_code = {c: len({k for cc, _, k, _ in spans if cc == c}) for c in per_code}
        listing = C.codings_frame(self.db)
        assert len(listing) == len(m.codings)  # the dashboard's "Codings"
        got = sorted(self._entry(r) for _, r in listing.iterrows())
        assert got == sorted(m.codings)
        book = C.codes_frame(self.db, scope=EVERY).set_index("path")
        assert sorted(book.index) == sorted(m.codes)
        for path in m.codes:
            assert book.loc[path, "codings"] == per_code.get(path, 0), path
            assert book.loc[path, "documents"] == docs_per_code.get(path, 0), path
        freq = C.frequencies(self.db, scope=EVERY).set_index("code_path")["codings"]
        assert freq.to_dict() == {p: n for p, n in span_per_code.items() if n}
        for path in m.codes:
            own = C.retrieve(self.db, EVERY.replace(codes=(path,)))
            assert len(own) == span_per_code.get(path, 0), path
            tree = C.retrieve(self.db, EVERY.replace(codes=(path,), children=True))
            below = [p for p in m.codes if p == path or p.startswith(path + " > ")]
            assert len(tree) == sum(span_per_code.get(p, 0) for p in below), path
        evidence = evidence_table(self.db, children=False)
        assert Counter(evidence["code_path"]) == +span_per_code
        # code x case: a span counts for its speaker's case (while the case lives), a whole-case
        # coding for its case
        cells: Counter = Counter()
        for code, _, key, span in m.codings:
            if key.startswith("case:"):
                cells[code, key[5:]] += 1
                continue
            speaker = next(spk for spk, words in m.docs[key] if span[0] in words)
            case = _case_of(key, speaker)
            if case in m.cases:
                cells[code, case] += 1
        matrix = C.code_case_frame(self.db, EVERY)
        assert {(r.code_path, r.case_name): r.codings for r in matrix.itertuples()} == dict(cells)
        framework = C.framework_frame(self.db, EVERY, rows="case")
        assert {(r.code_path, r.row_label): r.codings for r in framework.itertuples()} == dict(
            cells
        )
        live = C.codes_frame(self.db)["id"].tolist()
        names = dict(zip(cases_frame(self.db)["case_id"], cases_frame(self.db)["name"]))
        paths = C.code_paths(self.db)
        summaries = {
            (names[int(r.row_key[5:])], paths[r.code_id]): r.text
            for r in C.cell_summaries(self.db, live).itertuples()
        }
        assert summaries == self.model.summaries
        # count-once views agree with the distinct segments of the listing
        on_text = listing[listing["scope"] != "case"]
        segments = Counter(
            r.code_path
            for r in on_text.drop_duplicates(
                ["code_id", "document_id", "char_start", "char_end"]
            ).itertuples()
        )
        segments += Counter(
            r.code_path
            for r in listing[listing["scope"] == "case"]
            .drop_duplicates(["code_id", "case_id"])
            .itertuples()
        )
        once = C.codes_frame(self.db, scope=Scope(count="segments")).set_index("path")
        for path in m.codes:
            assert once.loc[path, "codings"] == segments.get(path, 0), path
        for key, turns in m.docs.items():
            assert get_text(self.db, self.model.ids[key]) == _text(turns), key
        # the assistant's codings are there when asked for, and only then
        theirs = C.codings_frame(self.db, Scope(coders=(self.assistant,)))
        assert set(theirs["coder"]) <= {self.assistant}
        if self.assistant_coded and not theirs.empty:
            asked = C.codes_frame(self.db, scope=EVERY.replace(assistants=True))
            assert asked["codings"].sum() == book["codings"].sum() + len(theirs)

    def _entry(self, row) -> tuple:
        """Return the model's form of a row of ``codings_frame``."""
        if row["scope"] == "case":
            return (row["code_path"], row["coder"], f"case:{self._case_name(row['case_id'])}", ())
        key = next(k for k, v in self.model.ids.items() if v == int(row["document_id"]))
        return (row["code_path"], row["coder"], key, tuple(row["text"].split()))

    def _case_id(self, name: str) -> int:
        cases = cases_frame(self.db)
        return int(cases.loc[cases["name"] == name, "case_id"].iloc[0])

    def _case_name(self, case_id) -> str:
        cases = cases_frame(self.db)
        return str(cases.loc[cases["case_id"] == int(case_id), "name"].iloc[0])


CountsMachine.TestCase.settings = settings(
    max_examples=12,
    stateful_step_count=25,
    deadline=None,
    derandomize=True,  # the same sequences every run: a failure is a bug, never luck
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the failing steps are printed
    suppress_health_check=list(HealthCheck),
)
test_every_view_counts_what_the_model_says = CountsMachine.TestCase
