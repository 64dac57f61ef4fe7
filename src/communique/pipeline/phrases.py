"""Noun phrases the article lists together, read from spaCy's dependency parse.

Fields of cooperation usually come in lists ("exchanged views on natural gas, oil, electric power, coal
and new energy"), and a small model asked for the fields copies part of a list and stops. When its
answer holds several members of one list, the rest of that list are fields too (``assisted.list_rest``).

A member is the noun phrase its conjunct heads: its modifiers kept, determiners and possessives
dropped, an "of" complement kept ("exchange of visits"). Lists whose members name people, places,
organisations, dates or amounts leave those members out; lists of verbs, and lists whose conjuncts
are modifiers of one noun ("drug and human trafficking crimes"), are not lists of phrases here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# Entity types that make a phrase a name or an amount rather than a field.
_NAMED = frozenset({"PERSON", "GPE", "NORP", "ORG", "LOC", "FAC", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY",
                    "PERCENT", "QUANTITY", "EVENT", "WORK_OF_ART", "LAW"})
_MODIFIERS = frozenset({"amod", "compound", "nmod", "npadvmod"})
_LEADING = frozenset({"det", "poss", "predet", "nummod", "case", "cc", "punct", "preconj"})


@dataclass(frozen=True)
class Phrase:
    text: str
    start: int  # character offsets into the article
    end: int


def _noun_phrase(head: Token) -> Span:
    start = min([c.left_edge.i for c in head.lefts if c.dep_ in _MODIFIERS] + [head.i])
    end = head.i + 1
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ == "of":
            end = child.right_edge.i + 1
    span = head.doc[start:end]
    while len(span) and span[0].dep_ in _LEADING:
        span = head.doc[span.start + 1 : span.end]
    return span


def noun_lists(doc: Doc) -> list[list[Phrase]]:
    """Each coordination of two or more noun phrases, as its members, in the article's order."""
    found: list[list[Phrase]] = []
    for token in doc:
        if token.dep_ == "conj" or token.dep_ in _MODIFIERS or not any(c.dep_ == "conj" for c in token.children):
            continue
        heads = sorted([token, *token.conjuncts], key=lambda t: t.i)
        if not all(h.pos_ in ("NOUN", "PROPN") for h in heads):
            continue
        spans = [_noun_phrase(h) for h in heads]
        members = [Phrase(s.text, s.start_char, s.end_char) for s in spans
                   if len(s) and not any(t.ent_type_ in _NAMED for t in s) and any(t.pos_ == "NOUN" for t in s)]
        if len(members) >= 2:
            found.append(members)
    return sorted(found, key=lambda members: members[0].start)
