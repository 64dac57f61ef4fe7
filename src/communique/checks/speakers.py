"""Quotations and their speakers: which quotation marks hold a quotation, the subject of the verb of
saying, a pronoun's antecedent, the speaker's party."""

from __future__ import annotations

from dataclasses import dataclass

from ..pipeline.drafts import DraftParty
from ..reading import Reading, candidates, countries, lexicon, nlp
from ..reading.text import TITLES
from .names import BODY_HEADS, POSSESSIVE, TRAILING, full_name, strip_title
from .reasons import Reason


def _speech_in_sentence(reading: Reading, quote: candidates.QuoteCandidate) -> bool:
    """A verb of saying (the pattern SPEECH_VERB) in the quotation's sentence, outside the quotation."""
    sentence = reading.sentence(quote.start)
    return sentence is not None and any(
        t.pos_ == "VERB" and t.dep_ != "amod" and not (quote.start - 1 <= t.idx < quote.end + 1)
        for t in (sentence.doc[i] for i in reading.matched("SPEECH_VERB", sentence.start, sentence.end))
    )  # not a participle that only describes a noun ('a so-called "dry dock"')


def not_a_quotation(reading: Reading, quote: candidates.QuoteCandidate) -> Reason | None:
    """Why a pair of quotation marks holds no quotation: a scare-quoted word or short phrase, a name or
    a title in quotation marks, with no verb of saying in its sentence. None when it may be a quote."""
    words = quote.text.split()
    title_like = all(w[:1].isupper() or w.casefold() in {"of", "for", "and", "the", "a", "an", "to", "in", "on"} for w in words)
    if len(words) <= 3 or (title_like and len(words) <= 12 and not quote.text.rstrip().endswith((".", ",", "!", "?"))):
        if _names_a_thing(reading, quote) or not quote.strong_cue and not _speech_in_sentence(reading, quote):
            return Reason.SCARE_QUOTES
    return None


def _names_a_thing(reading: Reading, quote: candidates.QuoteCandidate) -> bool:
    """The quoted words modify the noun right after the closing mark: the name of a thing ('the "Green
    Gate" scheme'), not words anyone said."""
    span = reading.span(quote.start, quote.end)
    if span is None:
        return False
    doc = span.doc
    head = span.root.head
    after = [t for t in doc[span.end : span.end + 2] if not t.is_punct]
    return bool(after) and head.i == after[0].i and head.pos_ == "NOUN" and span.root.dep_ in ("compound", "nmod", "amod")


#: Dependents that describe a noun after it rather than name it: an apposition ('Zhang Yesui, Jaishankar's
#: Chinese counterpart'), a participle or relative clause ('a communiqué from the parties headed by ...').
_DESCRIBING = {"appos", "acl", "relcl"}


def head_phrase(reading: Reading, start: int, end: int) -> str:
    """The phrase at [start, end) up to where a description of its head begins (spaCy's parse): 'Zhang
    Yesui' of 'Zhang Yesui, Jaishankar's Chinese counterpart', 'a communiqué from the parties' of 'a
    communiqué from the parties headed by the Mexican Vice Foreign Minister'."""
    span = reading.span(start, end)
    if span is None:
        return reading.text[start:end]
    cuts = [c.left_edge.i for t in span for c in t.children
            if c.dep_ in _DESCRIBING and c.i > t.i and span.start < c.left_edge.i < span.end and t.i >= span.root.i]
    if not cuts:
        return reading.text[start:end]
    last = min(cuts)
    while last > span.start and reading.analysis.doc[last - 1].is_punct:
        last -= 1
    head = reading.analysis.doc[span.start:last]
    return TRAILING.sub("", reading.text[max(start, head.start_char) : head.end_char]) if len(head) else reading.text[start:end]


_NO_SPEAKER = lexicon.words("no_speaker")


def _named_in_apposition(reading: Reading, start: int, end: int) -> str | None:
    """The person named in apposition to an office that heads the phrase ('the health minister, Dr
    A. Name'), or None."""
    span = reading.span(start, end)
    if span is None or span.root.ent_type_ == "PERSON":
        return None
    for c in span.root.children:
        if c.dep_ == "appos" and c.ent_type_ == "PERSON" and span.start <= c.left_edge.i and c.right_edge.i < span.end:
            people = [e for e in reading.analysis.of("PERSON") if e.start <= c.idx < e.end]
            return people[0].text if people else None
    return None


def clean_speaker(reading: Reading, speaker: str | None) -> str | None:
    """The speaker as the article gives it in full, with no trailing words: a person entity inside the
    phrase wins ('Foreign Ministry official Oded Joseph yesterday' -> 'Oded Joseph'), a surname becomes
    the full name given earlier."""
    if not speaker:
        return None
    speaker = TRAILING.sub("", speaker.strip())
    if not speaker or speaker.casefold() in _NO_SPEAKER:
        return None
    spans = reading.occurrences(speaker)
    if spans and (named := _named_in_apposition(reading, *spans[0])) is not None:
        speaker, spans = named, reading.occurrences(named)  # 'the health minister, X,': X
    if spans and (head := head_phrase(reading, *spans[0])) != speaker:
        speaker, spans = head, reading.occurrences(head)
    for a, b in spans[:1]:
        people = [e for e in reading.analysis.of("PERSON") if a <= e.start and e.end <= b]
        if people and len(people) == 1 and people[0].text != speaker:
            speaker = POSSESSIVE.sub("", people[0].text)
    last = speaker.split()[-1].casefold().removesuffix("s")
    nouns, _ = nlp.common_words()
    if last in nouns and last in BODY_HEADS | TITLES | {"statement"}:
        return speaker  # a body, an office or a document ('Israel's Defense Ministry'), not a person's name
    if speaker[:1].isupper() and not speaker.casefold().startswith("the "):
        speaker = strip_title(reading, speaker)
    return full_name(reading, speaker)


def speaker_party(speaker: str | None, parties: list[DraftParty]) -> str | None:
    if not speaker:
        return None
    for word in [speaker, *speaker.split()]:
        c = countries.canonical(word) if word[:1].isupper() else None
        if c is not None and any(p.name == c for p in parties):
            return c
    return None


_PRONOUNS = lexicon.words("pronouns")


@dataclass(frozen=True)
class Subject:
    text: str
    start: int
    pronoun: bool


def speech_subject(reading: Reading, lo: int, hi: int, exclude: tuple[int, int]) -> Subject | None:
    """The subject of the verb of saying nearest to ``exclude`` (a quotation) in the text from ``lo`` to
    ``hi``, outside the quotation: 'Zhang said', 'said Ms Seile, the Latvian Minister', 'the statement
    read further', 'according to the statement'. Pronoun subjects are returned as such."""
    doc = reading.analysis.doc
    span = reading.span(lo, hi)
    if span is None:
        return None
    qa, qb = exclude
    best: tuple[int, Subject] | None = None
    verbs = set(reading.matched("SPEECH_VERB", span.start, span.end))  # reading/patterns/speech_subjects.json
    for i in sorted(verbs | set(reading.matched("ACCORDING_TO", span.start, span.end))):
        token = doc[i]
        if qa <= token.idx < qb:
            continue
        subject = None
        if i in verbs:
            subj = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
            if not subj:
                agent = [c for c in token.children if c.dep_ == "agent"]
                subj = [g for a in agent for g in a.children if g.dep_ == "pobj"]
            if subj and subj[0].i > token.i and token.idx < qa:
                # 'said' before its subject is the inverted order of a quotation that came first ('"...,"
                # said X'); with the quotation after the verb, a noun after it is what was said
                # ('X, making a visit, said the deal takes ties to "new heights"'): the subject
                # is the one the parse gives on the verb's left, if any.
                subj = [c for c in token.lefts if c.dep_ in ("nsubj", "nsubjpass")] or [
                    g for c in token.lefts if c.dep_ == "advcl" for g in c.lefts if g.dep_ == "nsubj"]
            if subj and not (qa <= subj[0].idx < qb):
                subject = subj[0]
        elif token.i + 2 < len(doc):  # 'according to X'
            objs = [c for c in doc[token.i + 1].children if c.dep_ == "pobj"]
            subject = objs[0] if objs else None
        if subject is None:
            continue
        left = subject.left_edge.idx
        right = subject.right_edge.idx + len(subject.right_edge.text)
        if left < qb and qa < right:  # the subject phrase runs into the quotation: keep the head's own words
            left, right = subject.idx, subject.idx + len(subject.text)
            for child in subject.lefts:
                if child.dep_ in ("compound", "det", "amod", "poss") and not (qa <= child.idx < qb):
                    left = min(left, child.left_edge.idx)
        phrase = reading.text[left:right]
        found = Subject(phrase, left, subject.lower_ in _PRONOUNS)
        distance = min(abs(token.idx - qa), abs(token.idx - qb))
        if best is None or distance < best[0]:
            best = (distance, found)
    return best[1] if best else None


def resolve_cues(reading: Reading, quotes: list[candidates.QuoteCandidate], kept: list[int]) -> dict[int, str | None]:
    """Speakers of the quotations, without the model where the article is clear: the subject of the
    verb of saying next to the quotation (spaCy's parse), else the regular-expression cue; a pronoun
    ('he said', 'it added') or a quotation introduced by a colon carries over the speaker of the
    sentences before it. ``None`` where the article is not clear: the model is asked."""
    text = reading.text
    analysis = reading.analysis
    speakers: dict[int, str | None] = {}
    for i in kept:
        q = quotes[i]
        if q.depth:
            cue = q.strong_cue
            speakers[i] = clean_speaker(reading, cue.speaker) if cue and reading.usable(cue.start, cue.end) else None
            continue
        a, _ = analysis.sentence_at(max(0, q.start - 1))
        _, b = analysis.sentence_at(min(len(text) - 1, q.end + 2))
        b = max(b, q.end + 1)
        subject = speech_subject(reading, a, b, (q.start - 1, q.end + 1))
        speaker = None
        if subject is not None and not subject.pronoun and reading.usable(subject.start, subject.start + len(subject.text)):
            speaker = clean_speaker(reading, subject.text)
        if speaker is None and subject is None and (cue := q.strong_cue) is not None and reading.usable(cue.start, cue.end):
            speaker = clean_speaker(reading, cue.speaker)
        if speaker is None and (subject is not None and subject.pronoun or text[: q.start - 1].rstrip().endswith(":")
                                or subject is None and q.strong_cue is None and not _speech_in_sentence(reading, q)):
            # A pronoun, a colon, or no word of saying at all: the words go on from the last speaker.
            speaker = antecedent(reading, q.start, speakers, quotes)
        speakers[i] = speaker
    return speakers


def antecedent(reading: Reading, before: int, speakers: dict[int, str | None], quotes: list[candidates.QuoteCandidate]) -> str | None:
    """Who 'he' or 'it' is at ``before``: the nearest earlier speaker, of a quotation or of a verb of
    saying in the two paragraphs before."""
    best: tuple[int, str] | None = None
    for i, name in speakers.items():
        if name and quotes[i].start < before:
            if best is None or quotes[i].start > best[0]:
                best = (quotes[i].start, name)
    lo = reading.text.rfind("\n\n", 0, reading.text.rfind("\n\n", 0, before))
    for a, b in reading.analysis.sentences:
        if max(0, lo) <= a < before:
            subject = speech_subject(reading, a, min(b, before), (before, before))
            if subject and not subject.pronoun and subject.start < before and (best is None or subject.start > best[0]):
                if (name := clean_speaker(reading, subject.text)) is not None:
                    best = (subject.start, name)
    return best[1] if best else None
