"""Noun phrases the article lists together, read from spaCy's dependency parse.

Fields of cooperation usually come in lists ("exchanged views on natural gas, oil, electric power, coal
and new energy"), and a small model asked for the fields copies part of a list and stops. When its
answer holds several members of one list, the rest of that list are fields too (``assisted.list_rest``).

A member is the noun phrase its conjunct heads: its modifiers kept, determiners and possessives
dropped, an "of" complement kept ("exchange of visits"). Lists whose members name people, places,
organisations, dates or amounts leave those members out; lists of verbs, and lists whose conjuncts
are modifiers of one noun ("drug and human trafficking crimes"), are not lists of phrases here.

A common field's word is also read in the phrase it heads or modifies ("water" in "the water sector"),
which says more than the bare word (``phrase_around``, used by ``assisted.field_phrases``).
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


# Grammatical roles of a phrase that names who takes part, not a field: the subject ('health officials
# signed'), a possessor ('the health ministers' meeting'), and the object of 'between' or 'among'
# ('talks between historical maritime neighbours', 'among maritime security agencies').
_ACTOR_DEPS = frozenset({"nsubj", "nsubjpass", "poss"})
_PARTICIPANTS = frozenset({"between", "among", "amongst"})


def phrase_around(doc: Doc, start: int, end: int) -> Phrase | None:
    """The noun phrase that the word(s) at ``[start, end)`` head or modify, as a field would be worded:
    'water' in 'cooperation in the water sector' is 'water sector', 'health' in 'contributing to
    regional and global health security' is 'regional and global health security'. None when the phrase
    is a name, or names who takes part rather than a topic (a subject, a possessor, the object of
    'between' or 'among')."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    head = span.root
    while head.dep_ in _MODIFIERS and head.head is not head:
        head = head.head
    phrase = _noun_phrase(head)
    if (head.pos_ != "NOUN" or head.dep_ in _ACTOR_DEPS or any(t.ent_type_ in _NAMED for t in phrase)
            or (head.dep_ == "pobj" and head.head.lower_ in _PARTICIPANTS)):
        return None
    return Phrase(phrase.text, phrase.start_char, phrase.end_char)
