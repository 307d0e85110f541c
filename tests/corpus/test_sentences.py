"""corpus.sentences: the sentence and clause splitter shared by agreement, auto-coding and PDFs."""

import pytest

from corpus import clause_spans, ends_sentence, sentence_at, sentence_spans

CASES = [
    # (language, text, expected sentences)
    (None, "One. Two! Three?\n\nFour five. Six.", ["One.", "Two!", "Three?", "Four five.", "Six."]),
    (
        "en",
        "The FAA issued AD 2018–23–51. It applies.",
        ["The FAA issued AD 2018–23–51.", "It applies."],
    ),
    (
        "en",
        "It applies to Model 737–8 (737 MAX). Comments are due.",
        ["It applies to Model 737–8 (737 MAX).", "Comments are due."],
    ),
    (
        "en",
        "See Docket No. 5 for details. Then stop.",
        ["See Docket No. 5 for details.", "Then stop."],
    ),
    ("en", "The U.S. Government agrees. So do we.", ["The U.S. Government agrees.", "So do we."]),
    ("en", "It was built in the U.S.\nNext line.", ["It was built in the U.S.", "Next line."]),
    ("en", "Dr. Smith came. Mr. Jones left.", ["Dr. Smith came.", "Mr. Jones left."]),
    ("en", "Use tools, e.g. Python. Then test.", ["Use tools, e.g. Python.", "Then test."]),
    ("en", "One rule, i.e. Rule A, applies. Fine.", ["One rule, i.e. Rule A, applies.", "Fine."]),
    ("en", "See pp. 12–14 of the report. Done.", ["See pp. 12–14 of the report.", "Done."]),
    (
        "en",
        "J. Smith wrote it. A. B. Jones read it.",
        ["J. Smith wrote it.", "A. B. Jones read it."],
    ),
    ("en", "The rate is 3.5 percent. It rose.", ["The rate is 3.5 percent.", "It rose."]),
    ("en", "Visit www.faa.gov/x. Then go.", ["Visit www.faa.gov/x.", "Then go."]),
    (
        "en",
        "See https://example.org/a.b?c=1 for more. Next.",
        ["See https://example.org/a.b?c=1 for more.", "Next."],
    ),
    ("en", "“We agree.” He said so.", ["“We agree.”", "He said so."]),
    ("en", "He said (quietly.) Then left.", ["He said (quietly.)", "Then left."]),
    ("en", "Wait... what? Yes!", ["Wait... what?", "Yes!"]),
    ("en", "It ended in 2019. 2020 was new.", ["It ended in 2019.", "2020 was new."]),
    (
        "en",
        "the FAA also proposes to\nrequire inspections.",
        ["the FAA also proposes to", "require inspections."],
    ),
    ("en", "Smith et al. (2020) found it. Good.", ["Smith et al. (2020) found it.", "Good."]),
    ("en", "A lower-case start. after a dot stays.", ["A lower-case start. after a dot stays."]),
    ("en", "Fig. 3 shows it. Art. 5 applies.", ["Fig. 3 shows it.", "Art. 5 applies."]),
    ("en", "I said no. We left.", ["I said no.", "We left."]),
    (
        "es",
        "La Sra. García vive en EE.UU. desde 2010. Trabaja.",
        ["La Sra. García vive en EE.UU. desde 2010.", "Trabaja."],
    ),
    ("es", "El art. 5 y la núm. 3 aplican. Fin.", ["El art. 5 y la núm. 3 aplican.", "Fin."]),
    (
        "es",
        "La Dra. Pérez llegó. ¿Qué dijo? ¡Nada!",
        ["La Dra. Pérez llegó.", "¿Qué dijo?", "¡Nada!"],
    ),
    ("es", "Véase pág. 4, p. ej. Tabla 2. Listo.", ["Véase pág. 4, p. ej. Tabla 2.", "Listo."]),
    (
        "es",
        "Lo dijo el Sr. Ruiz, aprox. Mil veces. Bien.",
        ["Lo dijo el Sr. Ruiz, aprox. Mil veces.", "Bien."],
    ),
    ("es-MX", "Uds. lo saben. Nosotros también.", ["Uds. lo saben.", "Nosotros también."]),
    ("es", "«Sí.» Y se fue.", ["«Sí.»", "Y se fue."]),
    (None, "   \n  ", []),
]


@pytest.mark.parametrize(("language", "text", "expected"), CASES)
def test_sentences_abbreviations_en_es(language, text, expected):
    spans = sentence_spans(text, language)
    assert [text[s:e] for s, e in spans] == expected
    assert all(e > s for s, e in spans)
    assert spans == sorted(spans)


def test_sentence_spans_are_offsets_into_the_text_with_emoji_and_accents():
    text = "Olé 😀. Ça va? Oui."
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["Olé 😀.", "Ça va?", "Oui."]
    assert spans[1] == (text.index("Ça"), text.index("?") + 1)


def test_clause_spans_cut_at_semicolons_colons_dashes_and_conjunctions():
    text = "We came; we saw: and then — we left, but later returned. Fine."
    assert [text[s:e] for s, e in clause_spans(text, "en")] == [
        "We came;",
        "we saw:",
        "and then —",
        "we left,",
        "but later returned.",
        "Fine.",
    ]


def test_sentence_at_finds_the_span_holding_an_offset():
    text = "One two. Three four."
    spans = sentence_spans(text)
    assert sentence_at(spans, text.index("four")) == spans[1]
    assert sentence_at(spans, text.index(" Three")) is None  # the space between two sentences
    assert sentence_at(spans, len(text)) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It applies.", True),
        ("the FAA also proposes to", False),
        ("as follows:", True),
        ("“Done.”", True),
        ("in the U.S.", True),
        ("see Dr.", False),
        ("Docket No.", True),
        ("", True),
    ],
)
def test_ends_sentence(text, expected):
    assert ends_sentence(text) is expected
