"""The FTS5 expressions ``to_fts_query`` writes, as a tree the derived index can run.

Grammar (FTS5's own, ``fts5parse.y``): OR binds loosest, then AND, then NOT; words and phrases
written side by side are an implicit AND that binds tighter than all three, and parentheses
group. A phrase is the tokens of a bareword or a quoted string (``search.tokens``), ``*`` after
it makes its last token a prefix. A query that is one NEAR group becomes ``Near`` (the index
finds candidates, FTS5 checks the distance). What the index would not answer exactly as FTS5
does (NEAR inside other operators, a phrase of no tokens, anything unexpected) gives None, and
the caller uses FTS5.
``to_tantivy`` writes a tree as a tantivy query: a phrase of one token is a term, of two a term
of adjacent pairs, a prefix its completions (up to ``PREFIX_TERMS``, else a regular expression
over the whole term dictionary; never tantivy's phrase-prefix, which keeps its first 50).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import tantivy

from .tokens import tokens

_LEX = re.compile(r'"(?:[^"]|"")*"\*?|NEAR\(|[()]|,\d+|[^\s()",]+')


@dataclass(frozen=True)
class Phrase:
    """Consecutive tokens; ``prefix``: the last one is a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Op:
    """``kind`` 'and' / 'or' over ``parts``, or 'not': parts[0] and not parts[1]."""

    kind: str
    parts: tuple


@dataclass(frozen=True)
class Near:
    """A whole query ``NEAR(phrases, distance)``: the index finds the segments holding every
    phrase (``candidates``); FTS5 then checks the distance on those alone."""

    phrases: tuple[Phrase, ...]
    distance: int = 10

    @property
    def candidates(self) -> Op:
        return Op("and", self.phrases)


class _Unsupported(Exception):
    pass


def parse_fts_query(expression: str) -> Phrase | Op | None:
    """Return the tree of an FTS5 expression from ``to_fts_query``, or None when the index cannot
    answer it exactly as FTS5 would."""
    toks = _LEX.findall(expression)
    try:
        if toks and toks[0] == "NEAR(" and toks[-1] == ")":
            return _near(toks)
        parser = _Parser(toks)
        tree = parser.parse_or()
        if parser.pos != len(parser.toks):
            raise _Unsupported
        return tree
    except _Unsupported:
        return None


def _near(toks: list[str]) -> Near:
    """Return the Near of a query that is one NEAR group, else raise _Unsupported."""
    inner, distance = toks[1:-1], 10
    if inner and inner[-1].startswith(","):
        distance = int(inner.pop()[1:])
    if len(inner) < 2 or any(t in ("NEAR(", "(", ")", "AND", "OR", "NOT") for t in inner):
        raise _Unsupported
    return Near(tuple(_Parser.parse_phrase(t) for t in inner), distance)


class _Parser:
    def __init__(self, toks: list[str]):
        self.toks, self.pos = toks, 0

    def peek(self) -> str | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise _Unsupported
        self.pos += 1
        return tok

    def parse_or(self):
        return self._chain("OR", "or", self.parse_and)

    def parse_and(self):
        return self._chain("AND", "and", self.parse_not)

    def _chain(self, word: str, kind: str, operand):
        parts = [operand()]
        while self.peek() == word:
            self.take()
            parts.append(operand())
        return parts[0] if len(parts) == 1 else Op(kind, tuple(parts))

    def parse_not(self):
        node = self.parse_unit()
        while self.peek() == "NOT":
            self.take()
            node = Op("not", (node, self.parse_unit()))
        return node

    def parse_unit(self):
        tok = self.peek()
        if tok == "(":
            self.take()
            node = self.parse_or()
            if self.take() != ")":
                raise _Unsupported
            return node
        phrases = []
        while (tok := self.peek()) is not None and tok not in ("AND", "OR", "NOT", "(", ")"):
            phrases.append(self.parse_phrase(self.take()))
        if not phrases:
            raise _Unsupported
        return phrases[0] if len(phrases) == 1 else Op("and", tuple(phrases))

    @staticmethod
    def parse_phrase(tok: str) -> Phrase:
        if tok == "NEAR(" or tok.startswith(","):
            raise _Unsupported
        prefix = tok.endswith("*")
        core = tok[:-1] if prefix else tok
        if core.startswith('"'):
            if not core.endswith('"') or len(core) < 2:
                raise _Unsupported
            core = core[1:-1].replace('""', '"')
        elif not re.fullmatch(r"\w+", core):
            raise _Unsupported  # FTS5 barewords are letters, digits and _
        words = tuple(tokens(core))
        if not words:
            raise _Unsupported  # FTS5 drops an empty phrase from its expression
        return Phrase(words, prefix)


PREFIX_TERMS = 64  # completions of a prefix ranked as words; beyond, one regular expression


def pair_term(a: str, b: str) -> str:
    """Return the ``pairs`` term of two adjacent tokens (see ``search.folder``)."""
    return f"{a}_{b}"


def _phrase_query(p: Phrase, schema: tantivy.Schema, expand) -> tantivy.Query:
    q = tantivy.Query
    if len(p.words) == 1 and not p.prefix:
        return q.term_query(schema, "text", p.words[0])
    if len(p.words) == 1:
        words = expand(p.words[0]) if expand else None
        if words is None:  # too many completions: every one, unranked
            return q.regex_query(schema, "text", _regex_escape(p.words[0]) + ".*")
        if not words:
            return q.empty_query()
        return q.boolean_query(
            [(tantivy.Occur.Should, q.term_query(schema, "text", w)) for w in words]
        )
    pairs = [q.term_query(schema, "pairs", pair_term(a, b)) for a, b in zip(p.words, p.words[1:])]
    if len(p.words) == 2 and not p.prefix:
        return pairs[0]
    if not p.prefix:
        phrase = q.phrase_query(schema, "text", list(p.words))
    else:
        words = [_regex_escape(w) for w in p.words]
        words[-1] += ".*"
        phrase = q.regex_phrase_query(schema, "text", words)
        pairs = pairs[:-1]  # the last pair ends in a prefix
    # the adjacent pairs narrow the segments whose positions the phrase checks
    return q.boolean_query(
        [(tantivy.Occur.Must, phrase)]
        + [(tantivy.Occur.Must, q.const_score_query(t, 0.0)) for t in pairs]
    )


def _regex_escape(word: str) -> str:
    return "".join(c if c.isalnum() else "\\" + c for c in word)


def to_tantivy(node: Phrase | Op, schema: tantivy.Schema, expand=None) -> tantivy.Query:
    """Return the tantivy query of a tree (fields ``text`` and ``pairs`` of ``schema``);
    ``expand(prefix)`` gives a prefix's completions (None: too many)."""
    if isinstance(node, Phrase):
        return _phrase_query(node, schema, expand)
    if node.kind == "not":
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, to_tantivy(node.parts[0], schema, expand)),
                (tantivy.Occur.MustNot, to_tantivy(node.parts[1], schema, expand)),
            ]
        )
    occur = tantivy.Occur.Must if node.kind == "and" else tantivy.Occur.Should
    return tantivy.Query.boolean_query([(occur, to_tantivy(p, schema, expand)) for p in node.parts])
