"""Chairs: a person the article names, who led a side of this meeting (evidence-only vetoes), with
the title and party the article gives them."""

from __future__ import annotations

import re

from ..pipeline.drafts import DraftChair, DraftParty
from ..reading import Reading, countries, lexicon, nlp
from ..reading.text import TITLES, cuts_a_word
from .context import COUNTERPART, LEADING, MEETING, SAYING, TAKING_PART, demoted, earlier_event, inside_entity, leading_role, says
from .names import TRAILING, full_name, function_word, owner_before, person_problem, same_office, same_person, strip_title, title_in
from .reasons import Reason


def not_a_person(reading: Reading, name: str, spans: list[tuple[int, int]]) -> Reason | None:
    """Why nothing shows ``name`` to be a person's name, or None. A name is words that start with a
    capital (or lower-case particles such as 'bin', 'van'), not capitals only (a dateline), and not
    ending in a title or rank ('Joint Chief', 'State Councilor'). A person is then shown by spaCy (a
    PERSON entity over a name of two or more words) or by a title, rank or office right before a mention
    ('Gen. Irabor', 'Minister Luik')."""
    words = [w for w in re.split(r"\s+", name) if w]
    if not words or not all(w[:1].isupper() or w[:1].islower() and not function_word(reading, w) for w in words):
        return Reason.NOT_CAPITALISED
    if len(words) >= 2 and all(w.isupper() and len(w) > 3 for w in words):
        return Reason.CAPITALS_ONLY
    if _title_word(words[-1]):
        return Reason.ENDS_IN_TITLE
    if spans and all(_inside_a_word(reading.text, a, b) for a, b in spans):
        return Reason.PART_OF_A_WORD
    nouns, adjectives = nlp.common_words()
    if len(words) == 1 and (words[0].casefold() in nouns or words[0].casefold() in adjectives):
        return Reason.COMMON_WORD  # spaCy's small model tags some as PERSON
    if len(words) >= 2 and any("PERSON" in {e.label for e in reading.analysis.entities if e.start <= a and b <= e.end} for a, b in spans):
        return None
    if any(_titled(reading, a, b) for a, b in spans):
        return None
    return Reason.NOT_SHOWN_A_PERSON


def _inside_a_word(text: str, start: int, end: int) -> bool:
    """The mention is joined by a hyphen to letters before or after it ('Mil' in 'Mil-it')."""
    return (text[end : end + 1] == "-" and text[end + 1 : end + 2].isalpha()
            or start >= 2 and text[start - 1] == "-" and text[start - 2].isalpha())


_TITLES = TITLES - {"his", "her"}  # the honorific of 'His Excellency', not 'his' before a name


def _title_word(word: str) -> bool:
    """A title, rank or office word ('Gen.', 'Minister', 'Presidents'), not 'the' or 'his' before a name."""
    w = word.strip(".,()").casefold()
    return w in _TITLES or w.removesuffix("s") in _TITLES


def _titled(reading: Reading, start: int, end: int) -> bool:
    """A title, rank or office goes with the mention at [start, end): a title word among the words that
    lead up to it in its clause ('Minister of Defence Jüri Luik', 'Joint Secretary (Armed Forces)
    Dinesh Kumar', 'the Vice Foreign Minister for Latin America, Maximiliano Reyes'; the walk stops at a
    verb, a full stop or semicolon, or another person, after at most ten words), or in apposition after
    it (:func:`title_in`)."""
    doc = reading.analysis.doc
    span = reading.span(start, end)
    if span is None:
        return False
    i, words = span.start - 1, 0
    while i >= 0 and words < 10:
        t = doc[i]
        if t.pos_ in ("VERB", "AUX") or t.text in (".", ";", "\n\n") or "\n" in t.text or t.ent_type_ == "PERSON" and t.i < span.start - 1 and doc[t.i + 1].ent_type_ != "PERSON":
            break
        if _title_word(t.text):
            return True
        words += t.is_alpha
        i -= 1
    office = title_in(reading, [(start, end)])
    return office is not None and any(_title_word(w) for w in re.split(r"[\s-]+", office))


def not_leading(reading: Reading, mentions: list[tuple[int, int]]) -> Reason | None:
    """Why the article shows this person in no leading role, or None. It shows it only by evidence: every
    mention is in a sentence about an earlier event, names the person as the one met, visited or called
    on, or only quotes or reports what they said. Where nothing shows that, the model's answer stands."""
    if mentions and all(earlier_event(reading, a) for a, _ in mentions):
        return Reason.EARLIER_EVENT
    if mentions and all(demoted(reading, a, b) or earlier_event(reading, a) for a, b in mentions):
        return Reason.ONLY_MET
    if mentions and all(_quoting(reading, a) for a, _ in mentions) and not _one_of_the_sides(reading, mentions):
        return Reason.ONLY_SPEAKER
    if mentions and all(_quoting(reading, a) or _reporting(reading, a, b) for a, b in mentions) and not _one_of_the_sides(reading, mentions):
        return Reason.ONLY_REPORTED
    return None


def _quoting(reading: Reading, start: int) -> bool:
    """The sentence at ``start`` quotes someone and tells of nothing else: it holds a quotation and a
    verb of saying, and no word of meeting, leading or signing outside the quotation."""
    a, b = reading.analysis.sentence_at(start)
    return any(a <= qa < b or a < qb <= b for qa, qb in reading.quoted) and says(reading, start, SAYING) and not says(reading, start, MEETING)


_SPEECH_VERBS = lexicon.words("speech_verbs")


def _reporting(reading: Reading, start: int, end: int) -> bool:
    """The mention at [start, end) is the subject of a verb of saying that reports a clause ('X said
    the timetable would take effect in June'), in a sentence with no word of taking part (meeting,
    leading, signing, 'agreed', 'delegation'): it tells only what the person said."""
    span = reading.span(start, end)
    if span is None:
        return False
    name = span.root
    while name.dep_ in ("compound", "flat") and name.head.i != name.i:
        name = name.head  # a first name alone: the name it begins
    if name.dep_ not in ("nsubj", "nsubjpass"):
        return False
    verb = name.head
    return (verb.lemma_.casefold() in _SPEECH_VERBS and any(c.dep_ == "ccomp" for c in verb.children)
            and not says(reading, start, TAKING_PART))


def _one_of_the_sides(reading: Reading, mentions: list[tuple[int, int]]) -> bool:
    """The person's office is the one the article gives, in the plural, to those who met, agreed or
    signed ('Italian defence minister X' where 'the ministers agreed ...'): a speaker who heads a side."""
    if called_counterpart(reading, mentions):
        return True
    title = title_in(reading, mentions) or ""
    offices = {w.casefold() for w in re.split(r"[\s-]+", title) if _title_word(w)}
    if not offices:
        return False
    for t in reading.analysis.doc:
        if t.tag_ in ("NNS", "NNPS") and t.lemma_.casefold() in offices and says(reading, t.idx, TAKING_PART):
            return True
    return False


def called_counterpart(reading: Reading, mentions: list[tuple[int, int]]) -> bool:
    """The parse gives the person as someone's counterpart, in apposition ('Z, W's Chinese
    counterpart, said') or after it ('his counterpart Z'): the head of another side."""
    for a, b in mentions:
        span = reading.span(a, b)
        if span is None:
            continue
        root = span.root
        near = [c for c in root.children if c.dep_ == "appos"] + ([root.head] if root.dep_ in ("appos", "compound") else [])
        if any(t.lemma_.casefold() in COUNTERPART for t in near):
            return True
    return False


def leaders(reading: Reading, people: list[str]) -> list[str]:
    """The people the article plainly puts at the head of the meeting or of a side: named in a sentence
    that says someone chaired, co-chaired, presided, led, headed or signed, and not as the one met, in
    a sentence not dated to an earlier year than the article's. Found exactly, these join
    the model's answer (which adds heads of side who only 'met')."""
    found = []
    for name in people:
        words = name.split()
        spans = reading.occurrences(name)
        for part in {words[0], words[-1]} if len(words) > 1 else set():
            if len(part) >= 3 and part[:1].isupper() and sum(part in p.split() for p in people) == 1:
                spans += [(a, b) for a, b in reading.occurrences(part) if reading.text[a:b] == part]  # 'Zhang': 'Zhang Gaoli'
        spans = [(a, b) for a, b in spans if not inside_entity(reading, a, b, name)]
        if leading_role(reading, spans, LEADING):
            found.append(name)
    return found


def check_chair(reading: Reading, raw: str, parties: list[DraftParty]) -> tuple[DraftChair | None, Reason | None]:
    raw = TRAILING.sub("", raw.strip())
    name = full_name(reading, strip_title(reading, raw))
    rank = raw[: len(raw) - len(name)].strip() if raw.endswith(name) else ""
    spans = reading.occurrences(name)
    if not spans:
        located = reading.grounder.locate(name, words=True)
        if (located is None or located.alignment.value == "fuzzy" and located.score < 95 or not reading.usable(located.start, located.end)
                or cuts_a_word(reading.text, located.start, located.end)):
            return None, Reason.NAME_NOT_IN_USABLE_TEXT
        name, spans = located.text, [(located.start, located.end)]
    if (why := person_problem(reading, name, spans) or not_a_person(reading, name, spans)) is not None:
        return None, why
    words = name.split()
    mentions = spans + [(a, b) for part in ({words[0], words[-1]} if len(words) > 1 else set()) if len(part) >= 3
                        for a, b in reading.occurrences(part) if reading.text[a:b] == part]
    if (why := not_leading(reading, mentions)) is not None:
        return None, why
    start, end = spans[0]
    owner = owner_before(reading, start, end)
    title = title_in(reading, spans) or rank or None
    party = _party_near(reading, start, owner, title, parties)
    return DraftChair(name=name, title=title, party=party), None


def counterparts(reading: Reading, chairs: list[DraftChair], people: list[str], parties: list[DraftParty]) -> list[DraftChair]:
    """The heads of other sides the model left out: people who hold a chair's office for another party,
    named where the sides met ('Luik met with Latvian defense minister Artis Pabriks and Lithuanian
    defense minister Raimundas Karoblis'), one for each party that has no chair yet."""
    found: list[DraftChair] = []
    for name in people:
        if any(same_person(c.name, name) for c in [*chairs, *found]):
            continue
        chair, _ = check_chair(reading, name, parties)
        if chair is None or chair.party is not None and chair.party in {c.party for c in [*chairs, *found]}:
            continue
        if chair.party is not None and any(same_office(reading, chair.title, c.title) for c in chairs) or called_counterpart(
                reading, reading.occurrences(chair.name)):
            found.append(chair)
    return found


def _party_near(reading: Reading, start: int, owner: str | None, title: str | None, parties: list[DraftParty]) -> str | None:
    """The party a chair belongs to: named in the title or owner ('Morocco's General X'), else the
    one party named shortly before the name in its sentence (none when two are)."""
    names = {p.name for p in parties}
    for phrase in (owner, title):
        if phrase and (c := countries.canonical(phrase)) in names:
            return c
    if title:  # 'vice-minister of South Korea's Ministry of Health'
        inside = [(title.find(m.text), m.name) for m in reading.country_mentions if m.name in names
                  and re.search(rf"(?<!\w){re.escape(m.text)}(?!\w)", title)]
        if inside:
            return min(inside)[1]
    a, _ = reading.analysis.sentence_at(start)
    near = {m.name for m in reading.country_mentions if max(a, start - 80) <= m.start < start and m.name in names}
    return near.pop() if len(near) == 1 else None  # two parties just before the name: either may be its
