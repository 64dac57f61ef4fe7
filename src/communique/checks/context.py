"""What a sentence narrates around a name or phrase: leading and meeting verbs, the one met, an
earlier event, the opening that says who takes part. Read by the checks of several fields."""

from __future__ import annotations

import re

from spacy.tokens import Token

from ..reading import Reading, lexicon

#: Pattern labels (reading/patterns/) of words that say someone led a meeting or a side: chaired,
#: co-chaired, presided, led, headed, signed; with MEETING, also met, held talks, hosted, represented,
#: visited (heads of side who met, where no one is said to lead); with TAKING_PART, also agreed,
#: delegations, participated; SAYING, words of saying.
LEADING = ("LEADING",)
MEETING = (*LEADING, "MEETING")
TAKING_PART = (*MEETING, "TAKING_PART")
SAYING = ("SAYING",)

#: The words of LEADING and MEETING as lemmas: a head word that keeps 'with X' a side's head.
MET = lexicon.words("leading_words") | lexicon.words("meeting_words")


#: Prepositions that make a person the one met, called on or visited, not a side's head ('called on X',
#: 'an interaction with X', 'a summit between X and Y'), unless their head is itself a leading word.
_DEMOTING = lexicon.words("demoting_prepositions")

COUNTERPART = lexicon.words("counterpart_words")

_VISITING = lexicon.words("visiting_verbs")


def says(reading: Reading, start: int, labels: tuple[str, ...]) -> bool:
    """The sentence at ``start`` has, outside quotations, a word that a pattern with one of ``labels``
    matches (its lemma or its form): what the article narrates, not what someone is quoted saying ('We
    kept our heads')."""
    span = reading.sentence(start)
    if span is None:
        return False
    doc = span.doc
    return any(not doc[i]._.in_quote for label in labels for i in reading.matched(label, span.start, span.end))


def demoted(reading: Reading, start: int, end: int) -> bool:
    """The name at [start, end) hangs from 'with'/'on'/'upon' whose head is not a word of meeting or
    leading, or is the object of 'visit'."""
    span = reading.span(start, end)
    if span is None:
        return False
    token = span.root
    for _ in range(6):
        if token.lemma_.casefold() in COUNTERPART:
            return False  # 'with his counterparts X of A and Y of B': the heads of the other sides
        if token.dep_ in ("pobj",) and token.head.lower_ in _DEMOTING:
            head = token.head.head
            return head.lemma_.casefold() not in MET
        if token.dep_ == "dobj" and token.head.lemma_.casefold() in _VISITING:
            return True  # 'visited Governor X'
        if token.dep_ in ("appos", "conj", "compound", "flat", "nmod", "poss", "pobj", "prep") and token.head.i != token.i:
            token = token.head
            continue
        return False
    return False


def leading_role(reading: Reading, spans: list[tuple[int, int]], labels: tuple[str, ...] = MEETING) -> bool:
    """Some mention of the person is in a sentence that says someone led, chaired, signed or met (words
    of ``labels``), not as the one met or called on, and not in a sentence about an earlier year's event."""
    return any(says(reading, a, labels) and not demoted(reading, a, b) and not _background(reading, a) for a, b in spans)


def inside_entity(reading: Reading, start: int, end: int, name: str) -> bool:
    """The mention is part of a place or body's name ('Chattogram Naval Area' for 'Naval')."""
    return any(e.start <= start and end <= e.end and e.label in ("GPE", "LOC", "FAC") and len(e.text) > len(name) + 2
               for e in reading.analysis.entities)


YEAR = re.compile(r"\b(19|20)\d\d\b")

_PAST = lexicon.words("past_date_words")


def _background(reading: Reading, start: int) -> bool:
    """The sentence at ``start`` is dated to an earlier year than the article's ('Then, in November 2021,
    ... signed a memorandum'), or the clause at ``start`` to a time before the article's ('Last year,
    ... agreed', 'since ... 65 years ago, relations have thrived in ...'): another, earlier event. (Counting only a date that qualifies the verb,
    so that 'under the 2010 Agreement' would not date the sentence, changed no chair on the dev set and
    lost a field on its second half: not kept.)"""
    a, b = reading.analysis.sentence_at(start)
    dates = [e for e in reading.analysis.of("DATE") if a <= e.start < b]
    here = reading.span(start, start + 1)
    for e in dates:
        if any(w in _PAST for w in e.text.casefold().split()) and here is not None:
            date = reading.span(e.start, e.end)
            if date is not None and _clause_verb(date.root).i == _clause_verb(here.root).i:
                return True  # 'Last year, X and Y agreed', 'as agreed by X last year': that clause only
    year = reading.year
    if year is None:
        return False
    years = [int(m.group(0)) for e in dates for m in YEAR.finditer(e.text)]
    return bool(years) and max(years) < year


def _clause_verb(token: Token) -> Token:
    """The verb whose clause holds the token (the sentence's root if none is nearer)."""
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:  # spaCy makes a new Token each time
        token = token.head
    return token


def earlier_event(reading: Reading, start: int) -> bool:
    """The sentence at ``start`` tells of another, earlier event: it is dated to an earlier year, or its
    main verb is in the past perfect ('At the dialogue in May, the ministers had held talks on ...'). A
    past perfect in reported speech ('said the two sides had agreed') is not the main verb."""
    if _background(reading, start):
        return True
    sentence = reading.sentence(start)
    if sentence is None:
        return False
    root = sentence.root
    return root.tag_ == "VBN" and any(c.dep_ == "aux" and c.lower_ in ("had", "'d") for c in root.children)


THE_MEETING = lexicon.words("meeting_nouns")


def taking_part(reading: Reading, spans: list[tuple[int, int]], lede: set[str] | None = None) -> bool:
    """Some mention of a party, outside quotations, is in the opening paragraph, or in a sentence that
    says who met, talked, signed or agreed, about *this* meeting: it names a party or a person of the
    opening paragraph (``lede``), or 'the meeting'. Not only background ('the situation in X'), a place
    ('a summit in X'), a topic, or another meeting ('Separately, X's minister met Y's officials')."""
    lede_end = _lede_end(reading)
    for a, b in spans:
        if any(qa <= a and b <= qb for qa, qb in reading.quoted):
            continue
        if a < lede_end:
            return True
        if says(reading, a, TAKING_PART) and not is_place(reading, a, b) and _about_this_meeting(reading, a, b, lede or set()):
            return True
    return False


def _lede_end(reading: Reading) -> int:
    end = reading.text.find("\n\n", len(reading.text) - len(reading.text.lstrip()))
    return len(reading.text) if end < 0 else end


def _about_this_meeting(reading: Reading, start: int, end: int, lede: set[str]) -> bool:
    a, b = reading.analysis.sentence_at(start)
    sentence = reading.span(a, b)
    if sentence is None:
        return False
    if any(t.lemma_.casefold() in THE_MEETING and any(c.lower_ == "the" for c in t.children) for t in sentence):
        return True  # 'the meeting', 'the 5th meeting of the Joint Committee'
    rest = reading.text[a:start] + " " + reading.text[end:b]
    return any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", rest) for name in lede)


def lede_names(reading: Reading, people: list[str]) -> set[str]:
    """The country forms and people the opening paragraph names: what 'this meeting' is about."""
    end = _lede_end(reading)
    names = {m.text for m in reading.country_mentions if m.start < end}
    for person in people:
        if any(x < end for x, _ in reading.occurrences(person)):
            names |= {person, person.split()[-1]}
    return names


def is_place(reading: Reading, start: int, end: int) -> bool:
    """The mention is where something happened ('arrived in X', 'a summit in X'), not who took part."""
    span = reading.span(start, end)
    return span is not None and span.root.dep_ == "pobj" and span.root.head.lower_ in ("in", "at")


def only_earlier(reading: Reading, spans: list[tuple[int, int]]) -> bool:
    """Every mention of a field (``spans``, from :func:`field_spans`) is in a sentence about another,
    earlier event."""
    return bool(spans) and all(earlier_event(reading, a) for a, _ in spans)

