"""Noun phrases the article lists together, read from spaCy's dependency parse.

Fields of cooperation usually come in lists ("exchanged views on natural gas, oil, electric power, coal
and new energy"), and a small model asked for the fields copies part of a list and stops. When its
answer holds several members of one list, the rest of that list are fields too (``checks.fields.list_rest``).

A member is the noun phrase its conjunct heads: its modifiers kept, determiners and possessives
dropped, an "of" complement kept ("exchange of visits"). Lists whose members name people, places,
organisations, dates or amounts leave those members out; lists of verbs, and lists whose conjuncts
are modifiers of one noun ("drug and human trafficking crimes"), are not lists of phrases here.

A common field's word is also read in the phrase it heads or modifies ("water" in "the water sector"),
which says more than the bare word (``phrase_around``, used by ``checks.fields.field_phrases``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import lexicon

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


def _split_word(token: Token) -> bool:
    """The token is a piece of a hyphenated word the tokenizer split ('counter', '-', 'terrorism'), which
    the parser may read as a list of its own."""
    doc = token.doc
    if token.text == "-":
        return True
    after = token.i + 1 < len(doc) and not token.whitespace_ and doc[token.i + 1].text == "-"
    before = token.i > 0 and not doc[token.i - 1].whitespace_ and doc[token.i - 1].text == "-"
    return after or before


def _whole_word(token: Token) -> Span:
    """The hyphenated word a split piece belongs to: 'counter-terrorism' for 'counter', '-' or 'terrorism'."""
    doc = token.doc
    start = end = token.i
    while start > 0 and not doc[start - 1].whitespace_ and (doc[start - 1].text == "-" or doc[start].text == "-"):
        start -= 1
    while end + 1 < len(doc) and not doc[end].whitespace_ and (doc[end + 1].text == "-" or doc[end].text == "-"):
        end += 1
    return doc[start : end + 1]


def noun_lists(doc: Doc) -> list[list[Phrase]]:
    """Each coordination of two or more noun phrases, as its members, in the article's order."""
    found: list[list[Phrase]] = []
    text = doc.text  # spaCy builds it anew on each read
    for token in doc:
        if token.dep_ == "conj" or token.dep_ in _MODIFIERS or not any(c.dep_ == "conj" for c in token.children):
            continue
        heads = sorted([token, *token.conjuncts], key=lambda t: t.i)
        if not all(h.pos_ in ("NOUN", "PROPN") or _split_word(h) for h in heads):
            continue
        spans = list({(s.start, s.end): s for s in (_whole_word(h) if _split_word(h) else _noun_phrase(h) for h in heads)}.values())
        members: list[Phrase] = []
        for s in spans:
            if not len(s) or any(t.ent_type_ in _NAMED for t in s) or not any(t.pos_ == "NOUN" for t in s):
                continue
            if members and text[members[-1].end : s.start_char] == " ":
                # Nothing between them: one phrase the parse read as two ('workforce development').
                members[-1] = Phrase(text[members[-1].start : s.end_char], members[-1].start, s.end_char)
            else:
                members.append(Phrase(s.text, s.start_char, s.end_char))
        if len(members) >= 2:
            found.append(members)
    return sorted(found, key=lambda members: members[0].start)


def _joined(text: str, a: Phrase, b: Phrase) -> bool:
    between = text[a.end : b.start]
    return between.strip().casefold() in ("and", "or") and "," not in between


def paired_members(text: str, members: list[Phrase]) -> list[tuple[Phrase, Phrase]]:
    """The pairs of a list that the list gives as one member: two phrases joined by 'and' (no comma)
    inside a list whose members commas part ('security, food and water, education and tolerance, and
    tourism'). The last two members are such a pair only when the whole list is pairs ('training and
    exercises, education and workforce development'); otherwise 'and' before the last is the list's own."""
    joined = [_joined(text, a, b) for a, b in zip(members, members[1:])]
    n = len(members)
    pairs = []
    for i in range(n - 1):
        if not joined[i] or (i > 0 and joined[i - 1]) or (i + 2 < n and joined[i + 1]):
            continue  # not joined, or one of three or more joined without commas ('A and B and C')
        if i + 2 < n or (n >= 4 and n % 2 == 0 and all(joined[0::2])):
            pairs.append((members[i], members[i + 1]))
    return pairs


_LISTING_VERBS = lexicon.words("listing_verbs")


def governor(doc: Doc, members: list[Phrase]) -> Token | None:
    """The word a list of noun phrases depends on: the head of the preposition it is the object of
    ('cooperation' for 'cooperation in A and B'; 'areas' for 'areas such as A and B'), or the verb it is
    the object of; for a verb that lists what its subject holds ('include', 'cover'), that subject, or
    the noun the verb's clause describes ('areas, which include A and B'; 'matters covering A and B')."""
    span = doc.char_span(members[0].start, members[0].end, alignment_mode="expand")
    if span is None:
        return None
    first = span.root
    if first.dep_ == "pobj":
        return first.head.head
    if first.dep_ != "dobj":
        return None
    verb = first.head
    if verb.lemma_.casefold() not in _LISTING_VERBS:
        return verb
    if verb.dep_ in ("relcl", "acl"):
        return verb.head
    return next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), verb)


# 'between' and 'among' take who takes part ('talks between historical maritime neighbours', 'among
# maritime security agencies'), not a topic.
_PARTICIPANTS = lexicon.words("participant_prepositions")


def _head_of(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    head = span.root
    while head.dep_ in _MODIFIERS and head.head.i != head.i:
        head = head.head
    return head


def in_a_name(doc: Doc, start: int, end: int) -> bool:
    """The words at ``[start, end)`` are part of a name ('the Energy Cooperation Committee', 'the
    Ministry of Health')."""
    return any(e.start_char <= start and end <= e.end_char for e in doc.ents if e.label_ in _NAMED)


def part_of_a_name(doc: Doc, start: int, end: int) -> bool:
    """The words at ``[start, end)`` are a part of a longer name: 'culture' in 'the Ministry of
    Culture', 'water' in 'the Water Summit Secretariat'. A field capitalised as a name of its own
    ('in the field of Defence Industry') is not part of a longer one."""
    return any(e.start_char <= start and end <= e.end_char and (e.start_char, e.end_char) != (start, end)
               for e in doc.ents if e.label_ in _NAMED)


#: Heads of a body's name and nouns for the meeting itself, but not those that also name an activity of
#: cooperation ('health services', 'exchange visits').
WHO_OR_THE_MEETING = (lexicon.words("body_heads") | lexicon.words("meeting_nouns")) - {"service", "visit"}
#: ... less the things the sides make, sign or fund ('a trade agreement'): a field word before one of
#: these says what the thing is about.
_WHO_MEETS = WHO_OR_THE_MEETING - lexicon.words("instrument_heads")


def names_who_takes_part(doc: Doc, start: int, end: int) -> bool:
    """The words at ``[start, end)`` are part of a phrase that names who takes part: a possessor ('the
    health ministers' meeting'), the object of 'between' or 'among' ('talks between the two maritime
    nations', 'cooperation among their space agencies'), or a modifier of a word for a body or for the
    meeting itself ('the intelligence alliance', 'the defence dialogue') that is not the object of a
    verb (what is set up or signed: 'set up a cybersecurity institute')."""
    head = _head_of(doc, start, end)
    if head is None:
        return False
    span = doc.char_span(start, end, alignment_mode="expand")
    modifies = (span is not None and head.i != span.root.i and head.lemma_.casefold() in _WHO_MEETS and head.dep_ != "dobj"
                and not any(c.dep_ == "conj" for t in span for c in t.children))  # coordinated: a list the parse may misread
    return modifies or head.dep_ == "poss" or head.dep_ == "pobj" and head.head.lower_ in _PARTICIPANTS


def phrase_around(doc: Doc, start: int, end: int) -> Phrase | None:
    """The noun phrase that the word(s) at ``[start, end)`` head or modify, as a field would be worded:
    'water' in 'cooperation in the water sector' is 'water sector', 'health' in 'contributing to
    regional and global health security' is 'regional and global health security'. None when the phrase
    is a name, or names who takes part rather than a topic (a subject, a possessor, the object of
    'between' or 'among')."""
    head = _head_of(doc, start, end)
    if head is None:
        return None
    phrase = _noun_phrase(head)
    if (head.pos_ != "NOUN" or head.dep_ in ("nsubj", "nsubjpass") or any(t.ent_type_ in _NAMED for t in phrase)
            or names_who_takes_part(doc, start, end)):
        return None
    return Phrase(phrase.text, phrase.start_char, phrase.end_char)
