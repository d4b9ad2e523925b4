"""Search query syntax in the ``websearch`` style, parsed once and rendered safely per engine.

Supported: words (all must match), ``"quoted phrases"``, ``-exclusions``, ``or`` between
alternatives and ``prefix*``. Everything else (unbalanced quotes, FTS5 operators, column
filters, stray punctuation, NUL bytes, lone surrogates) is treated as plain text: only runs of
word characters ever reach the engine, and each one is quoted there.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
WORD = re.compile(r"[^\W_]+")
CHUNK = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Term:
    """A word or phrase to match; prefix applies to the last word."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass
class Query:
    """All of ``required`` (each a list of alternatives), none of ``excluded``."""

    required: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Nothing to look for (exclusions alone match nothing)."""
        return not self.required

    def words(self) -> list[tuple[str, bool]]:
        """Every folded word to highlight, with whether it is a prefix."""
        found = []
        for alternatives in self.required:
            for term in alternatives:
                for position, word in enumerate(term.words):
                    last = position == len(term.words) - 1
                    found.append((fold(word), term.prefix and last))
        return found


def clean(text: str) -> str:
    """Drop NUL and other control characters and lone surrogates; NFC; bounded length."""
    text = text.encode("utf-8", "ignore").decode("utf-8")
    text = "".join(c if c.isprintable() else " " for c in text)
    return unicodedata.normalize("NFC", text)[:MAX_QUERY_LENGTH]


def fold(text: str) -> str:
    """Lower case without diacritics, as FTS5's unicode61 tokenizer compares words."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def parse(raw: str) -> Query:
    """Read a websearch-style query; never fails."""
    query = Query()
    alternatives: list[Term] = []
    pending_or = False
    count = 0
    for match in CHUNK.finditer(clean(raw)):
        quoted_negation, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None and bare.lower() == "or":
            pending_or = bool(alternatives)
            continue
        if quoted is not None:
            negated, text, prefix = bool(quoted_negation), quoted, False
        else:
            negated = bare.startswith("-") and len(bare) > 1
            text = bare[1:] if negated else bare
            prefix = text.endswith("*")
        words = tuple(WORD.findall(text))
        if not words or count >= MAX_TERMS:
            continue
        count += 1
        term = Term(words, prefix)
        if negated:
            query.excluded.append(term)
            continue
        if pending_or and alternatives:
            alternatives.append(term)
        else:
            if alternatives:
                query.required.append(alternatives)
            alternatives = [term]
        pending_or = False
    if alternatives:
        query.required.append(alternatives)
    return query


def fts5_term(term: Term) -> str:
    """One term as an FTS5 string: quoted words (no operator can appear inside)."""
    quoted = '"' + " ".join(term.words) + '"'
    return quoted + ("*" if term.prefix else "")


def to_fts5(query: Query) -> str:
    """The query as an FTS5 MATCH expression built only from quoted word runs."""
    groups = []
    for alternatives in query.required:
        parts = [fts5_term(term) for term in alternatives]
        groups.append(parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")")
    expression = " AND ".join(groups)
    for term in query.excluded:
        expression = f"({expression}) NOT {fts5_term(term)}"
    return expression


def folded_words(term: Term) -> list[str]:
    """The term's words folded, split again (folding "⑴" gives "(1)": only "1" is kept)."""
    return [part for word in term.words for part in WORD.findall(fold(word))]


def tsquery_prefix_text(term: Term) -> str:
    """A prefix term as to_tsquery text: folded words joined by <->, the last with :*."""
    return " <-> ".join(folded_words(term)) + ":*"


def websearch_text(term: Term) -> str:
    """A plain term as websearch_to_tsquery text: one quoted phrase of folded words."""
    return '"' + " ".join(folded_words(term)) + '"'
