"""Fields of cooperation: the model's open answer grounded to the article's wording, the common fields
found in the article, and the refusals (not worded, earlier event, umbrella, who takes part)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..pipeline.drafts import DraftDomain
from ..reading import Reading, candidates, countries, lexicon, nlp, phrases
from ..reading.text import normalise
from ..schema.v1 import DomainLabel, Rejection
from .context import only_earlier
from .names import TRAILING, nested, noun_lemma
from .reasons import Reason

if TYPE_CHECKING:
    from spacy.tokens import Doc

_GENERIC = lexicon.words("generic_fields")  # cooperation itself: too general to be a field


def domain_label(wording: str) -> DomainLabel:
    """The controlled-vocabulary label whose lexicon matches the wording, else ``other``."""
    for pattern, label in candidates.DOMAIN_PATTERNS:
        if pattern.search(wording):
            return label
    return DomainLabel.other


_LEAD_IN = re.compile(
    r"^(?:(?:bilateral|mutual|closer|further|joint)\s+)?(?:co-?operation|collaboration|partnership)\s+(?:in|on|of|for)\s+"
    r"(?:the\s+)?(?:(?:fields?|areas?|sectors?|domains?)\s+of\s+)?|^(?:the\s+)?(?:fields?|areas?|sectors?)\s+of\s+",
    re.I,
)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


_GENERIC_WORDS = _words(" ".join(_GENERIC))  # 'cooperation', 'relations', ...: a phrase headed by one is the bare field


def _same_field(a: str, b: str) -> bool:
    """One wording's words hold the other's: 'coal' and 'coal exports', 'trade' and 'bilateral trade'."""
    return nested(_words(a), _words(b))


def list_rest(reading: Reading, listed: list[str], least: int = 2) -> list[str]:
    """The rest of each list of noun phrases in the article of which ``least`` members are fields
    already listed: the answer copied part of a list of fields and stopped ('natural gas, oil, electric
    power, coal and new energy' answered without 'oil'). Members already listed, generic words and
    'other ...' are left out."""
    found: list[str] = []
    for members in reading.noun_lists:
        if sum(any(_same_field(m.text, w) for w in listed) for m in members) >= least:
            found += _new_members(reading, members, [*listed, *found])
    return found


_COOPERATION_WORDS = lexicon.words("cooperation_lemmas")
_COUNTERING = lexicon.words("countering_verbs")
_COOPERATION = _COOPERATION_WORDS | _COUNTERING


def cooperation_lists(reading: Reading, listed: list[str]) -> list[str]:
    """The members of each list of noun phrases that a word for cooperation or its areas governs
    ('cooperation in A, B and C', 'matters covering A, B and C', 'areas which include A and B'), or a
    verb of countering a threat, directly ('to counter A and B') or through the word for the threat it
    takes ('tackling the challenges of A and B'): fields, whether or not the answer named them. Members
    already listed, generic words and 'other ...' are left out."""
    found: list[str] = []
    doc = reading.analysis.doc
    for members in reading.noun_lists:
        head = phrases.governor(doc, members)
        if head is not None and head.lemma_.casefold() not in _COOPERATION and _threat_of(doc, members):
            head = head.head  # 'challenges' in 'tackling the challenges of A and B': the verb governs
        if head is not None and head.lemma_.casefold() in _COOPERATION:
            found += _new_members(reading, members, [*listed, *found], narrower=True)
    return found


def _threat_of(doc: Doc, members: list[phrases.Phrase]) -> bool:
    """The list is the 'of' complement of a noun that a verb of countering takes as its object: the
    noun only names the threat ('the menace of A and B'), the list says what it is."""
    span = doc.char_span(members[0].start, members[0].end, alignment_mode="expand")
    if span is None or span.root.dep_ != "pobj" or span.root.head.lower_ != "of":
        return False
    noun = span.root.head.head
    return noun.pos_ == "NOUN" and noun.dep_ == "dobj" and noun.head.lemma_.casefold() in _COUNTERING


def _new_members(reading: Reading, members: list[phrases.Phrase], listed: list[str], narrower: bool = False) -> list[str]:
    """The members of a list that are fields not yet listed. A member is listed already when a listed
    field's words hold its own, or (not ``narrower``) its words hold a listed field's: in a list that
    cooperation governs, a narrower member ('renewable energy' beside 'energy') is a field of its own."""
    found: list[str] = []
    for m in members:
        if not reading.usable(m.start, m.end) or normalise(m.text) in _GENERIC or m.text.casefold().startswith("other "):
            continue
        words = _words(m.text)
        if not any(words <= _words(w) or (not narrower and _words(w) <= words) for w in [*listed, *found]):
            found.append(m.text)
    return found


def fields_of(reading: Reading, answered: list[str], accepted: list[candidates.DomainCandidate]) -> tuple[list[DraftDomain], list[Rejection]]:
    """The fields of cooperation: the model's open answer, each grounded to the article's wording; the
    common fields found in the article (``accepted``) that no listed field covers; the phrases that word
    those more fully; the rest of a list the answers drew two members from; the members of a list that
    a word for cooperation governs. One field is kept for wordings that differ only in 'joint',
    'bilateral' and the like or in a last word for cooperation ('energy sector'), none for a wording
    found only inside another listed field's, one for the two halves of a pair the article lists as one
    member ('culture and arts'), and one for one-word answers the article gives as one phrase ('defence
    development'). A long answer is cut to the field it begins with. Refused:
    a field named only about an earlier event or only in words for who takes part, and an umbrella over
    listed fields."""
    domains: list[DraftDomain] = []
    refused: list[Rejection] = []
    doc = reading.analysis.doc
    for raw in answered:
        wording = ground_field(reading, raw)
        wording = _core(reading, wording) if wording is not None else None
        spans = field_spans(reading, wording) if wording is not None else []
        if wording is None:
            refused.append(Rejection(field="domains", value=raw, reason=Reason.NOT_WORDED))
        elif _a_body_or_meeting(reading, wording, spans):
            refused.append(Rejection(field="domains", value=raw, reason=Reason.PARTY_WORDS))
        elif only_earlier(reading, spans):
            refused.append(Rejection(field="domains", value=raw, reason=Reason.EARLIER_EVENT))
        elif spans and all(phrases.part_of_a_name(doc, a, b) or phrases.names_who_takes_part(doc, a, b) for a, b in spans):
            refused.append(Rejection(field="domains", value=raw, reason=Reason.PARTY_WORDS))
        elif all(normalise(d.wording) != normalise(wording) for d in domains):
            domains.append(DraftDomain(label=domain_label(wording), wording=wording))

    # A common field is another wording of one already listed when their words hold one another, or
    # when the article gives them as one phrase: 'industry cooperation' (listed) and 'defence industry'
    # (found) both in 'defence industry cooperation'.
    taken = [span for d in domains for span in reading.occurrences(d.wording)]
    for m in map(lambda m: _as_noun_phrase(reading, m), accepted):
        if any(_same_field(m.wording, d.wording) for d in domains):
            continue
        where = reading.occurrences(m.wording)
        if only_earlier(reading, where):
            refused.append(Rejection(field="domains", value=m.wording, reason=Reason.EARLIER_EVENT))
        elif all(phrases.in_a_name(doc, a, b) or phrases.names_who_takes_part(doc, a, b) for a, b in where):
            refused.append(Rejection(field="domains", value=m.wording, reason=Reason.PARTY_WORDS))
        elif not any(a < e and s < b for s, e in where for a, b in taken):
            domains.append(DraftDomain(label=m.label, wording=m.wording))
    domains += [DraftDomain(label=domain_label(w), wording=w) for w in field_phrases(reading, accepted, [d.wording for d in domains])]
    for more in (list_rest, cooperation_lists):
        domains += [DraftDomain(label=domain_label(w), wording=w) for w in more(reading, [d.wording for d in domains])
                    if not only_earlier(reading, field_spans(reading, w))]

    # Wordings that differ only in saying the parties do it together, or in a last word for cooperation
    # or its areas, are one field: the first stays.
    seen: set[str] = set()
    for d in list(domains):
        if (key := _field_key(d.wording)) in seen:
            domains.remove(d)
        seen.add(key)

    # A wording found only inside another listed field's wording is that field again ('trade' only in
    # 'agricultural trade').
    spans_of = {d.wording: reading.occurrences(d.wording) for d in domains}
    for d in list(domains):
        inside = [span for o in domains if len(o.wording) > len(d.wording) for span in spans_of[o.wording]]
        if spans_of[d.wording] and all(any(x <= a and b <= y for x, y in inside) for a, b in spans_of[d.wording]):
            domains.remove(d)

    # A general wording ('joint cooperative efforts') whose examples in the article are fields listed in
    # their own right is an umbrella over them, not another field; a controlled-vocabulary field stays.
    for d in list(domains):
        if d.label is DomainLabel.other and umbrella(reading, d.wording, [o.wording for o in domains if o is not d]):
            domains.remove(d)
            refused.append(Rejection(field="domains", value=d.wording, reason=Reason.UMBRELLA))
    return one_field_per_phrase(reading, one_field_per_pair(reading, domains)), refused


def one_field_per_phrase(reading: Reading, domains: list[DraftDomain]) -> list[DraftDomain]:
    """One-word fields that the article gives side by side as one phrase, outside any name, where it
    gives one of the two words nowhere else ('defence' and 'development' where the article says
    'defence development', and 'development' only there), are that phrase: the answer split it into its
    words. Phrases are taken in the article's order."""
    doc = reading.analysis.doc
    words = {d.wording: reading.occurrences(d.wording) for d in domains if len(d.wording.split()) == 1}
    found = []
    for x, y in ((x, y) for x in words for y in words if x != y):
        spans = [(a, b) for a, b in reading.occurrences(f"{x} {y}") if not phrases.in_a_name(doc, a, b) and not phrases.part_of_a_name(doc, a, b)]
        if spans and any(all(any(a <= s and e <= b for a, b in spans) for s, e in words[w]) for w in (x, y)):
            found.append((spans[0], x, y))
    for (a, b), x, y in sorted(found):
        parts = [d for d in domains if d.wording in (x, y)]
        if len(parts) == 2:
            domains = _merged(domains, parts, reading.text[a:b])
    return domains


def one_field_per_pair(reading: Reading, domains: list[DraftDomain]) -> list[DraftDomain]:
    """Fields listed apart that the article gives as one member of a list ('culture and arts' in
    'foreign language training, military medicine, culture and arts, military sports') are one field,
    worded as the article words the pair, where the first of them was."""
    pairs = [pair for members in reading.noun_lists for pair in phrases.paired_members(reading.text, members)]
    if not pairs:
        return domains
    spans_of = {d.wording: reading.occurrences(d.wording) for d in domains}
    for a, b in pairs:
        # The fields the article gives only inside each half (or only as the half itself).
        halves = [[d for d in domains if spans_of[d.wording] and all(m.start <= s and e <= m.end for s, e in spans_of[d.wording])]
                  for m in (a, b)]
        if all(halves):
            wording = reading.text[a.start : b.end]
            domains = _merged(domains, halves[0] + halves[1], wording)
            spans_of[wording] = reading.occurrences(wording)
    return domains


def _merged(domains: list[DraftDomain], parts: list[DraftDomain], wording: str) -> list[DraftDomain]:
    """``domains`` with ``parts`` made one field worded ``wording``, where the first of them was."""
    first = min(domains.index(d) for d in parts)
    kept = [d for d in domains if not any(d is p for p in parts)]
    kept.insert(min(first, len(kept)), DraftDomain(label=domain_label(wording), wording=wording))
    return kept


_JOINT = lexicon.words("joint_modifiers")


def _field_key(wording: str) -> str:
    """The wording without the modifiers that say the parties do it together ('joint', 'bilateral'), and
    without a last word for cooperation or its areas ('energy sector', 'energy cooperation': 'energy')."""
    words = [w for w in normalise(wording).split() if w not in _JOINT]
    while len(words) > 1 and noun_lemma(words[-1]) in _COOPERATION_WORDS:
        words.pop()
    return " ".join(words)


def _a_body_or_meeting(reading: Reading, wording: str, spans: list[tuple[int, int]]) -> bool:
    """The wording (at ``spans``) is headed by a word for a body or for the meeting itself ('joint
    working group', 'strategic dialogue', 'navy'): who meets, or the meeting, not a field."""
    span = reading.span(*spans[0]) if spans else None
    head = span.root.lemma_.casefold() if span is not None else noun_lemma(wording.split()[-1])
    return head in phrases.WHO_OR_THE_MEETING


def _as_noun_phrase(reading: Reading, found: candidates.DomainCandidate) -> candidates.DomainCandidate:
    """A field the lexicon found as an adjective alone ('renewable', 'academic') worded as the noun
    phrase it modifies ('renewable energy'), unless that phrase is headed by a word for cooperation
    itself ('cultural cooperation'): a field is a thing, and an adjective alone names none."""
    span = reading.span(found.start, found.end)
    if span is None or any(t.pos_ != "ADJ" for t in span):
        return found
    p = phrases.phrase_around(reading.analysis.doc, found.start, found.end)
    if p is None or not (p.start <= found.start and found.end <= p.end) or _words(p.text.split()[-1]) & _GENERIC_WORDS:
        return found
    return candidates.DomainCandidate(label=found.label, wording=p.text, start=p.start, end=p.end)


def field_phrases(reading: Reading, accepted: list[candidates.DomainCandidate], listed: list[str]) -> list[str]:
    """The phrases the article words accepted common fields in, where they say more than the bare word
    and no field listed already covers them: 'water sector' for 'water', 'regional and global health
    security' for 'health'. A phrase whose head is a word for cooperation itself ('agricultural
    collaboration') is the bare field again; phrases that name who takes part are not fields
    (:func:`phrases.phrase_around`)."""
    found: list[str] = []
    taken = [span for w in listed for span in reading.occurrences(w)]
    for m in accepted:
        for a, b in reading.occurrences(m.wording):
            p = phrases.phrase_around(reading.analysis.doc, a, b)
            if (p is None or not (p.start <= a and b <= p.end) or normalise(p.text) == normalise(m.wording) or _words(p.text.split()[-1]) & _GENERIC_WORDS
                    or any(_same_field(p.text, w) for w in [*listed, *found])
                    or any(x < p.end and p.start < y for x, y in taken) or only_earlier(reading, field_spans(reading, p.text))):
                continue
            found.append(p.text)
    return found


def ground_field(reading: Reading, field: str) -> str | None:
    """The field as the article words it: the phrase itself, or (for 'drug trafficking' in 'drug and
    human trafficking') the phrase whose words one short stretch of the article holds in order. A
    lead-in the model adds ('cooperation in training') is dropped first."""
    field = TRAILING.sub("", field.strip()).strip("\"'\u201c\u201d")
    field = _LEAD_IN.sub("", field).strip()
    if len(field) < 2 or normalise(field) in _GENERIC or _field_key(field) in _GENERIC:
        return None  # too general
    if spans := reading.occurrences(field):
        return None if _a_country(reading, field, spans[0]) else _without_verb(reading, field, spans[0])
    if countries.canonical(field) is not None:
        return None  # a country's name
    if (other := _spelt_otherwise(reading, field)) is not None:
        return other
    words = field.split()
    for k in range(1, len(words) - 1):  # a word the answer put before the article's phrase: 'cyber information assurance'
        if spans := reading.occurrences(" ".join(words[k:])):
            return reading.text[spans[0][0] : spans[0][1]]
    span = reading.grounder.locate_words(field)
    if span is not None and span.score >= 50 and reading.usable(span.start, span.end):
        return field
    return None


#: A wording of this many words or more is a clause's worth: the field and where, how or about what.
LONG_WORDING = 6


def _core(reading: Reading, wording: str) -> str:
    """A long wording's field: the noun phrase before the first modifier a preposition other than 'of'
    or a participle brings in: 'construction of tram lines in Accra under a state loan' is
    'construction of tram lines', 'exchange of data on matters related to port safety' is 'exchange of
    data'. A shorter wording is kept as the model gave it, and so is one whose cut would leave a single
    word or a word for cooperation itself ('joint cooperation against ...')."""
    spans = reading.occurrences(wording)
    span = reading.span(*spans[0]) if spans and len(wording.split()) >= LONG_WORDING else None
    if span is None:
        return wording
    for t in span[1:]:
        if (t.dep_ == "prep" and t.lower_ != "of" or t.dep_ == "acl" and t.i > span.root.i) and t.nbor(-1).pos_ in ("NOUN", "PROPN"):
            core = reading.text[span.start_char : t.nbor(-1).idx + len(t.nbor(-1).text)]
            # A bare word or a word for cooperation itself ('cooperation against ...') is no field's core.
            return wording if len(core.split()) < 2 or _field_key(core) in _GENERIC else core
    return wording


_PLACE_OR_BODY = frozenset({"GPE", "NORP", "LOC", "ORG"})


def _a_country(reading: Reading, field: str, where: tuple[int, int]) -> bool:
    """The field, at ``where``, is a country's (or a listed body's) name, not a phrase that only
    mentions one: 'Afghanistan' is, 'construction of highways in Pakistan' is not (its head is no name)."""
    if countries.canonical(field) is None:
        return False
    span = reading.span(*where)
    return span is None or span.root.ent_type_ in _PLACE_OR_BODY


def _spelt_otherwise(reading: Reading, field: str) -> str | None:
    """The article's wording of a field the answer spells another way: written together, apart or
    hyphenated ('cyber security' for 'cybersecurity'), or in another number ('fishery' for
    'fisheries'), as the words' lemmas show."""
    spans = [(s.start, s.end) for s in reading.grounder.find_joined(field)]
    if not spans:
        lemmas = [t.lemma_.casefold() for t in nlp.parse(field) if not t.is_punct]
        doc = reading.analysis.doc
        article = [t.lemma_.casefold() for t in doc]
        n = len(lemmas)
        spans = [(doc[i].idx, doc[i + n - 1].idx + len(doc[i + n - 1].text)) for i in range(len(doc) - n + 1)
                 if n and article[i : i + n] == lemmas]
    usable = [(a, b) for a, b in spans if reading.usable(a, b)]
    return reading.text[usable[0][0] : usable[0][1]] if usable else None


def field_spans(reading: Reading, wording: str) -> list[tuple[int, int]]:
    """Where a grounded field is in the article: each occurrence of its wording, else the short stretch
    that holds its words in order."""
    if spans := reading.occurrences(wording):
        return spans
    span = reading.grounder.locate_words(wording)
    return [(span.start, span.end)] if span is not None else []


# Words that introduce examples of what comes before them ('efforts like patrols', 'areas such as
# energy'): the phrase before them is an umbrella over the examples.
_EXAMPLE_MARKERS = lexicon.words("example_markers")


def umbrella(reading: Reading, wording: str, others: list[str]) -> bool:
    """Each mention of ``wording`` introduces examples ('joint cooperative efforts like coordinated
    patrol ..., bilateral exercise ...') of which one is another field listed: the wording is an
    umbrella over fields listed in their own right, not a field beside them."""
    doc = reading.analysis.doc
    spans = reading.occurrences(wording)
    for a, b in spans:
        span = reading.span(a, b)
        if span is None:
            return False
        i = span.end
        while i < len(doc) and doc[i].is_punct:
            i += 1
        if i >= len(doc):
            return False
        marker = doc[i].lower_ in _EXAMPLE_MARKERS or (doc[i].lower_ == "such" and i + 1 < len(doc) and doc[i + 1].lower_ == "as")
        end = reading.analysis.sentence_at(a)[1]
        if not marker or not any(doc[i].idx <= s < end for o in others for s, _ in reading.occurrences(o)):
            return False
    return bool(spans)


_VERB_TAGS = {"VB", "VBG", "VBP", "VBZ", "VBD"}


def _without_verb(reading: Reading, field: str, where: tuple[int, int]) -> str | None:
    """The field without a verb the answer copied before it, as the article's parse reads it: 'improve
    maritime security capabilities' is 'maritime security capabilities', 'expanding bilateral
    exercises' is 'bilateral exercises'. A participle that describes the field stays ('enhanced
    interoperability', 'coordinated patrol'); a phrase left with no noun is no field."""
    span = reading.span(*where)
    if span is None or len(span) < 2 or span[0].tag_ not in _VERB_TAGS or span[0].dep_ in ("amod", "compound", "nmod"):
        return field
    rest = list(span[1:])
    while rest and (rest[0].pos_ in ("DET", "PART", "ADP", "AUX") or rest[0].tag_ == "PRP$"):
        rest = rest[1:]
    if not any(t.pos_ in ("NOUN", "PROPN") for t in rest):
        return None
    return reading.text[rest[0].idx : where[1]]
