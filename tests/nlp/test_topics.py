"""Topics: reproducible fits, cached embeddings (never re-embedded, damage repaired), queries.

Also small corpora, topic to code, and topics per case and speaker of real imported transcripts.
"""

from __future__ import annotations

import pytest
from nlp_docs import add_doc
from topic_corpus import paragraphs


@pytest.fixture(scope="module")
def topic_project(tmp_path_factory):
    """A project with two dated documents of 27 paragraphs each, fitted once (multilingual)."""
    from nlp import fit_topics
    from projectfile import open_project

    path = tmp_path_factory.mktemp("topics") / "t.qda.sqlite"
    db = open_project(path)
    paras = paragraphs(54, spanish_every=0)
    add_doc(db, "\n\n".join(paras[:27]), "report-2019", date="2019-06-01")
    add_doc(db, "\n\n".join(paras[27:]), "informe-2021", date="2021-02-01")
    calls = []
    result = fit_topics(db, progress=lambda d, t, m: calls.append((d, t, m)))
    db.conn.close()
    return path, result, calls


@pytest.fixture
def tdb(topic_project):
    from projectfile import open_project

    db = open_project(topic_project[0])
    yield db
    db.conn.close()


def test_topics_fit_finds_the_three_themes_with_progress(topic_project, tdb):
    from nlp import topic_segments, topics_frame

    _, result, calls = topic_project
    assert result.segments == 54 and result.topics == 3
    assert calls[-1][0] == calls[-1][1] == 3 and any("embedding" in m for _, _, m in calls)
    words = " ".join(topics_frame(tdb, result.model_id)["words"]).lower()
    assert {"training", "nafta"} <= set(words.replace(",", " ").split())
    seg = topic_segments(tdb, result.model_id)
    # every theme lands in one topic: paragraphs i and i+3 share their topic
    themes = seg.sort_values(["document_id", "char_start"])["topic"].tolist()
    assert all(
        themes[i] == themes[i + 3] for i in range(0, 24) if themes[i] != -1 and themes[i + 3] != -1
    )


def test_topics_same_corpus_and_settings_give_same_topics(topic_project, tdb, monkeypatch):
    import nlp.embeddings
    from nlp import fit_topics, topic_segments, topics_frame

    def no_model(*a, **k):
        raise AssertionError("a refit must not load the embedding model")

    monkeypatch.setattr(nlp.embeddings, "load_encoder", no_model)
    monkeypatch.setattr(nlp.embeddings, "encode_batch", no_model)
    first = topic_project[1].model_id
    again = fit_topics(tdb)
    assert (
        topic_segments(tdb, again.model_id)["topic"].tolist()
        == topic_segments(tdb, first)["topic"].tolist()
    )
    assert (
        topics_frame(tdb, again.model_id)["words"].tolist()
        == topics_frame(tdb, first)["words"].tolist()
    )
    # another setting refits from the cache too
    other = fit_topics(tdb, min_topic_size=5, reduce_outliers=True)
    assert other.outliers == 0


def test_topics_damaged_cached_vectors_are_recomputed(topic_project, tdb):
    import numpy as np

    from nlp.embeddings import cached_vectors, damage_cached_vector, embed_texts, text_hash
    from nlp.topics import topic_units

    texts = topic_units(tdb)["text"].tolist()[:5]
    good = embed_texts(tdb, texts)
    for text, how in zip(texts, ("truncate", "garbage", "nan")):
        damage_cached_vector(tdb, text, how=how)
    found, damaged = cached_vectors(tdb, [text_hash(t) for t in texts], "use-multilingual-v3")
    assert damaged == 3 and len(found) == 2

    class Counting:
        seen: list = []

        def encode(self, batch):
            self.seen.extend(batch)
            from nlp.encoders import encode_batch

            return encode_batch("use-multilingual-v3", batch)

    enc = Counting()
    again = embed_texts(tdb, texts, encoder=enc)
    assert sorted(enc.seen) == sorted(texts[:3])
    assert np.allclose(again, good, atol=1e-3)  # float16 storage
    assert cached_vectors(tdb, [text_hash(t) for t in texts], "use-multilingual-v3")[1] == 0


def test_topics_queries_by_document_time_and_labels(topic_project, tdb):
    from nlp import (
        set_topic_label,
        topics_by_case,
        topics_by_document,
        topics_frame,
        topics_over_time,
    )
    from projectfile import NotFound

    mid = topic_project[1].model_id
    by_doc = topics_by_document(tdb, mid)
    assert set(by_doc["document_title"]) == {"report-2019", "informe-2021"}
    assert by_doc.groupby("document_id")["share"].sum().round(6).eq(1).all()
    over = topics_over_time(tdb, mid)
    assert set(over["period"]) == {"2019", "2021"} and over["segments"].sum() == 54
    topic = int(topics_frame(tdb, mid)["topic"].max())
    set_topic_label(tdb, mid, topic, "  Trade   policy ")
    assert topics_frame(tdb, mid).set_index("topic").loc[topic, "name"] == "Trade policy"
    set_topic_label(tdb, mid, topic, "")
    assert topics_frame(tdb, mid).set_index("topic").loc[topic, "name"].startswith(f"{topic}: ")
    with pytest.raises(NotFound, match="no topic 99 in model"):
        set_topic_label(tdb, mid, 99, "x")
    assert topics_by_case(tdb, mid).empty


def test_topic_to_code_previews_then_saves_one_batch(topic_project, tdb):
    from coding import apply_preview, codings_frame, undo_batch
    from nlp import preview_topic_codes, topics_frame

    mid = topic_project[1].model_id
    row = topics_frame(tdb, mid).query("topic >= 0").iloc[0]
    preview = preview_topic_codes(tdb, int(row["topic"]), "Themes > Topic A", model_id=mid)
    assert len(preview) == row["size"] and (preview["text"].str.len() > 20).all()
    batch = apply_preview(tdb, preview, coder="topics-test")
    c = codings_frame(tdb, coders=["topics-test"])
    assert len(c) == row["size"] and set(c["code_path"]) == {"Themes > Topic A"}
    undo_batch(tdb, batch, "topics-test")


@pytest.mark.parametrize("n", [6, 8, 12])
def test_topics_small_corpora_never_crash(db, n):
    from nlp import fit_topics, topics_frame

    add_doc(db, "\n\n".join(paragraphs(n, seed=n)), f"small-{n}")
    res = fit_topics(db, backend="tfidf")
    assert res.segments == n and res.topics + (1 if res.outliers else 0) == len(
        topics_frame(db, res.model_id)
    )


def test_topics_too_few_segments_is_a_clear_error(db):
    from nlp import TopicError, fit_topics, topics_frame
    from projectfile import NotFound

    add_doc(db, "\n\n".join(paragraphs(5)), "tiny")
    with pytest.raises(TopicError, match="only 5 paragraph segments .* need at least 6"):
        fit_topics(db, backend="tfidf")
    with pytest.raises(TopicError, match="unknown unit"):
        fit_topics(db, unit="page")
    with pytest.raises(NotFound, match="no topic model: fit topics first"):
        topics_frame(db)


def test_topics_tfidf_backend_is_reproducible_on_sentences_and_turns(db):
    from corpus import Document, Segment, sha256_bytes, store_document
    from nlp import fit_topics, topic_segments
    from nlp.topics import topic_units

    paras = paragraphs(18, seed=9)
    add_doc(db, "\n\n".join(" ".join(paras[i : i + 3]) for i in range(0, 18, 3)), "sentences")
    units = topic_units(db, "sentence")
    assert len(units) == 18
    a = fit_topics(db, unit="sentence", backend="tfidf")
    b = fit_topics(db, unit="sentence", backend="tfidf")
    assert (
        topic_segments(db, a.model_id)["topic"].tolist()
        == topic_segments(db, b.model_id)["topic"].tolist()
    )
    text, segs, pos = "", [], 0
    for i, p in enumerate(paragraphs(9, seed=2)):
        line = f"{'P' if i % 2 else 'I'}: {p}\n"
        segs.append(
            Segment(
                start=pos + 3,
                end=pos + len(line) - 1,
                kind="turn",
                data={"speaker": "P" if i % 2 else "I"},
            )
        )
        text += line
        pos += len(line)
    store_document(
        db,
        Document(
            text=text,
            title="interview",
            source_name="i.txt",
            kind="interview",
            sha256=sha256_bytes(text.encode()),
            segments=segs,
        ),
    )
    t = fit_topics(db, unit="turn", backend="tfidf")
    assert t.segments == 9


def test_topics_spanish_words_keep_their_accents(db):
    from nlp import fit_topics, topics_frame

    add_doc(db, "\n\n".join(paragraphs(24, seed=4, spanish_every=1)), "informe-es", language="es")
    res = fit_topics(db, backend="tfidf")
    words = " ".join(topics_frame(db, res.model_id)["words"])
    assert "capacitación" in words or "educación" in words or "habilidades" in words
    assert "capacitacin" not in words and "educacin" not in words
    assert not {"de", "la", "el", "the"} & set(words.replace(",", " ").split())


def test_topics_by_case_and_speaker_of_imported_transcripts(db, tmp_path):
    from interviews import import_transcripts
    from nlp import fit_topics, topics_by_case, topics_by_speaker

    turns = [
        f"{'Jorge Castañeda' if i % 2 else 'Interviewer'}: {p}"
        for i, p in enumerate(paragraphs(18, seed=5, spanish_every=0))
    ]
    path = tmp_path / "castaneda.txt"
    path.write_text("\n\n".join(turns) + "\n", encoding="utf-8")
    (outcome,) = import_transcripts([str(path)], db)
    assert outcome.status == "ok", outcome.reason
    add_doc(db, "\n\n".join(paragraphs(6, seed=6)), "policy")  # no case, no turns
    res = fit_topics(db, unit="turn", backend="tfidf")
    assert res.segments == 18
    by_case = topics_by_case(db, res.model_id)
    # the case rule: the interviewer's turns are the interviewer's case's, not the interviewee's
    assert by_case.groupby("case_name")["segments"].sum().to_dict() == {
        "Interviewer (castaneda)": 9,
        "Jorge Castañeda": 9,
    }
    by_speaker = topics_by_speaker(db, res.model_id)
    assert by_speaker.groupby("speaker")["segments"].sum().to_dict() == {
        "Interviewer": 9,
        "Jorge Castañeda": 9,
    }


def test_topics_nr_topics_merges_down(db):
    from nlp import fit_topics

    add_doc(db, "\n\n".join(paragraphs(36, seed=8, spanish_every=2)), "mixed")
    free = fit_topics(db, backend="tfidf", min_topic_size=3)
    merged = fit_topics(db, backend="tfidf", min_topic_size=3, nr_topics=2)
    assert merged.topics <= 2 <= free.topics
