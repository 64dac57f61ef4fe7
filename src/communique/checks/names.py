"""People's names as the article gives them: who it names, a name without its title, the fuller form
of a name, whether a phrase is a person at all, and the office written around a name."""

from __future__ import annotations

from functools import cache

import re
from typing import Any

from rapidfuzz import fuzz

from ..reading import Reading, countries, lexicon, nlp
from ..reading.text import HONORIFICS, TITLES, normalise
from .context import is_place
from .reasons import Reason

POSSESSIVE = re.compile(r"[’']s$")


TRAILING = re.compile(r"[\s,;:.!?\"'\u2019\u201d)]+$")


_HINT_TITLES = lexicon.words("hint_titles")  # a selection of the titles (TITLES): see the file


def people_in(reading: Reading) -> list[str]:
    """Hints: spaCy's people, then other runs of capitalised words that look like personal names."""
    seen: dict[str, str] = {}
    found = [(n, True) for n in reading.analysis.people()] + [(n, False) for n in reading.analysis.proper_runs()]
    nouns, _ = nlp.common_words()
    for raw, is_person in found:
        name = strip_title(reading, raw)
        spans = reading.occurrences(name)
        words = name.split()
        if not spans or countries.canonical(name) is not None or len(name) <= 4 and not name.istitle():
            continue
        if not is_person and (len(words) < 2 or words[-1].casefold().removesuffix("s") in BODY_HEADS | PLACE_HEADS):
            continue  # a run of capitalised words ending in such a noun names a body or a place
        if person_problem(reading, name, spans) is None:
            seen.setdefault(normalise(name), name)

    def tokens(n: str) -> set[str]:
        return {w for w in re.findall(r"\w+", normalise(n)) if w not in _HINT_TITLES}

    names = list(dict.fromkeys(full_name(reading, n) for n in seen.values()))
    names = [n for n in names if not any(len(m) > len(n) and tokens(n) <= tokens(m) for m in names)]
    return names[:MAX_HINTS]


def function_word(reading: Reading, word: str) -> bool:
    """An English function word ('of', 'for', 'and'), not a lower-case particle of a name ('bin', 'al',
    'van', 'de'): spaCy's stop words."""
    return bool(reading.analysis.doc.vocab[word.casefold()].is_stop)


@cache
def noun_lemma(word: str) -> str:
    """The word's lemma read as a common noun ('fisheries' -> 'fishery'): capitalised in a title, the
    parse reads it as a proper noun and leaves it as it is."""
    doc = nlp.parse(word.casefold())
    return doc[0].lemma_.casefold() if len(doc) == 1 else word.casefold()


def _ends_an_office(reading: Reading, phrase: str) -> bool:
    """Every mention of ``phrase`` follows a lower-case function word ('Minister of Fisheries X'): its
    first word ends an office, it does not begin a name."""
    spans = reading.occurrences(phrase)
    before = [reading.text[max(0, a - 12) : a].split()[-1:] for a, _ in spans]
    return bool(spans) and all(w and w[0].islower() and function_word(reading, w[0]) for w in before)


def strip_title(reading: Reading, phrase: str) -> str:
    """A person's name without the title written before it: 'Pakistan Foreign Minister Bilawal Bhutto
    Zardari' -> 'Bilawal Bhutto Zardari', 'Minister of Defence J\u00fcri Luik' -> 'J\u00fcri Luik'. Leading words
    are dropped while they are titles, countries or common English words (the pipeline's WordNet index),
    and only if what is left is two words or more, or a name the article also uses on its own: 'Park
    Min-soo' keeps 'Park'."""
    words = POSSESSIVE.sub("", phrase.strip()).split()
    lower = [k for k, w in enumerate(words) if w[:1].islower() and function_word(reading, w)]
    if lower and lower[-1] < len(words) - 1:
        words = words[lower[-1] + 1 :]  # after 'of', 'for', 'and': 'Minister of Defence Luik' -> 'Defence Luik'
    nouns, adjectives = nlp.common_words()

    def titleish(word: str) -> bool:
        parts = [p.strip(".,()").casefold() for p in word.split("-")]
        return all(p in TITLES or p in nouns or p.removesuffix("s") in nouns or noun_lemma(p) in nouns or p in adjectives
                   or countries.canonical(p) is not None for p in parts if p)

    people = {normalise(POSSESSIVE.sub("", e.text)) for e in reading.analysis.of("PERSON")}
    cut = 0
    while cut < len(words) - 1 and titleish(words[cut]):
        if (normalise(" ".join(words[cut:])) in people and words[cut].strip(".,").casefold() not in TITLES
                and countries.canonical(words[cut]) is None and not _ends_an_office(reading, " ".join(words[cut:]))):
            break  # 'Ram Nath Adhikari' is a person's whole name, though 'ram' is an English word (a country's
            # name is not: 'Ambassador to Cyprus Liu Yantao', tagged as one person)
        cut += 1
    while cut > 0:
        rest = words[cut:]
        if len(rest) >= 2 or reading.occurrences(rest[0]) and len(reading.occurrences(rest[0])) > len(reading.occurrences(" ".join(words[cut - 1 :]))):
            break
        cut -= 1
    return " ".join(words[cut:])


def nested(wa: set[str], wb: set[str]) -> bool:
    """One set of words holds the other, neither empty."""
    return bool(wa) and bool(wb) and (wa <= wb or wb <= wa)


def same_person(a: str, b: str) -> bool:
    """Two forms of one name: the words of one, titles aside, are all words of the other
    ('Prince Abdulaziz' and 'Abdulaziz bin Salman'; not 'Ajay Kumar' and 'Dinesh Kumar')."""
    offices = TITLES | {"the"}
    return nested({w for w in normalise(a).split() if w not in offices}, {w for w in normalise(b).split() if w not in offices})


def full_name(reading: Reading, name: str) -> str:
    """A surname or a shortened name resolved to the fullest form the article gives of it: 'Zhang' ->
    'Zhang Gaoli', 'Iwaya' -> 'Iwaya Takeshi' (family names first or last)."""
    words = name.split()
    if not words or len(words) > 2:
        return name
    key = [w.casefold() for w in words]
    best = name
    for candidate in dict.fromkeys([*reading.analysis.people(), *reading.analysis.proper_runs()]):
        stripped = strip_title(reading, candidate)
        c_words = [w.casefold() for w in stripped.split()]
        if len(c_words) <= len(key) or len(c_words) > 5 or any(w[:1].islower() and function_word(reading, w) for w in stripped.split()):
            continue
        if (c_words[-len(key):] == key or c_words[: len(key)] == key) and len(c_words) > len(best.split()):
            if reading.occurrences(stripped):
                best = stripped
    return best


def entity_labels(reading: Reading, start: int, end: int) -> set[str]:
    return {e.label for e in reading.analysis.entities if e.start < end and start < e.end}


_OFFICE_TAGS = {"PROPN", "NOUN", "ADJ", "PART"}  # words an office before a name is made of ('Germany's Interior Minister')


_OFFICE_LINKS = lexicon.words("office_links")  # 'Minister of Defence', 'Joint Secretary (Gulf)'


_NOT_OFFICE = {"DATE", "TIME", "CARDINAL", "ORDINAL", "PERSON", "MONEY", "QUANTITY", "PERCENT"}


def _same_entity(token: Any, i: int) -> bool:
    """The token is in the entity that goes on to cover token ``i`` ('Chairperson' in the PERSON entity
    'Chairperson Maambo Haamaundu')."""
    doc = token.doc
    return all(doc[k].ent_iob_ == "I" for k in range(token.i + 1, i + 1))


def _office_run(reading: Reading, end: int, owner: int) -> Any:
    """The office written right before token ``end``, in its sentence: the run of nouns, adjectives,
    possessives and the prepositions inside an office ('Minister of Defence', 'High Commissioner in
    Ghana'), stopping at a verb, a comma, a conjunction, a line break, a date or another person's name
    (a name the tagger runs together with its title, owned by token ``owner``, is not another). None
    when the run holds no noun, or ends in a plural shared by several people ('the heads of the
    Kazakhstan and Uzbekistan Governments'). 'And' may join an office's parts ('Minister of Agriculture
    and Farmers Welfare'); the run starts after any person the article names within it."""
    doc = reading.analysis.doc
    first = end
    sentence = doc[end].sent.start if end < len(doc) else doc[end - 1].sent.start
    while first > sentence:
        t = doc[first - 1]
        own = t.ent_type_ == "PERSON" and _same_entity(t, owner)
        if (not (t.pos_ in _OFFICE_TAGS or t.lower_ in _OFFICE_LINKS or t.lower_ in ("and", "&")) or (t.ent_type_ in _NOT_OFFICE and not own)
                or "\n" in t.text_with_ws):
            break
        first -= 1
    words = doc[first:end]
    for name in reading.people:
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", words.text):
            inside = reading.span(words.start_char + m.start(), words.start_char + m.end())
            if inside is not None and inside.end > words.start:
                words = doc[max(words.start, inside.end) : end]
    while len(words) and (words[0].pos_ in ("PART", "ADP", "DET", "CCONJ") or words[0].lower_ in ("-", "(", ")")):
        words = words[1:]
    while len(words) and (words[-1].lower_ in _OFFICE_LINKS - {")"} or words[-1].pos_ == "CCONJ"
                          or len(words) > 1 and words[-1].lower_.strip(".") in HONORIFICS):
        words = words[:-1]
    if words.text.count("(") != words.text.count(")"):
        return None
    if not len(words) or not any(t.pos_ in ("NOUN", "PROPN") for t in words) or words.root.tag_ in ("NNS", "NNPS"):
        return None
    return words


def office_before(reading: Reading, start: int, end: int) -> str | None:
    """The office the article puts right before a name: 'Latvian defense minister' in 'Latvian defense
    minister Artis Pabriks', 'Kenyan Cabinet Secretary for Foreign Affairs' in 'co-chaired by Kenyan
    Cabinet Secretary for Foreign Affairs Musalia Mudavadi and ...' (:func:`_office_run`)."""
    span = reading.span(start, end)
    words = _office_run(reading, span.start, span.start) if span is not None else None
    return words.text if words is not None else None


def _office_words_only(span: Any) -> Any:
    """The span without leading determiners and trailing punctuation; None when it is no office: empty,
    or it holds a verb or opens with a conjunction or preposition ('and Nepal's Minister ...', 'during
    the visit', 'led the delegation')."""
    while len(span) and span[0].dep_ in ("det", "punct"):
        span = span[1:]
    if not len(span) or span[0].pos_ in ("CCONJ", "ADP", "SCONJ", "PRON", "VERB", "AUX"):
        return None
    verbs = [t.i for t in span if t.pos_ in ("VERB", "AUX")]
    if verbs:  # 'vice-minister of South Korea's Ministry of Health and Welfare jointly signed ...'
        span = span.doc[span.start : verbs[0]]
    while len(span) and (span[-1].is_punct or span[-1].pos_ in ("CCONJ", "ADV", "ADP", "DET", "PART")):
        span = span[:-1]
    return span if len(span) else None


def _names_nobody(reading: Reading, office: Any) -> bool:
    return office is not None and not any(t.ent_type_ == "PERSON" for t in office) and not any(
        re.search(rf"(?<!\w){re.escape(name)}(?!\w)", office.text) for name in reading.people)


def office_around(reading: Reading, start: int, end: int) -> str | None:
    """The office the article gives beside a name, read from the parse: before it and set off by a
    comma ('Pakistan's Foreign Secretary, Asad Majeed Khan'; 'the Nigeria High Commissioner in Ghana,
    Vice-Admiral ...'), else in apposition after it ('Kazuhiro Oshima, vice-minister of Japan's Ministry
    of Health, ...')."""
    doc = reading.analysis.doc
    span = reading.span(start, end)
    if span is None:
        return None
    root = span.root
    head = root.head
    if root.dep_ in ("appos", "conj") and head.i < span.start and head.pos_ in ("NOUN", "PROPN") and not head.ent_type_ == "PERSON":
        first = span.start
        while first > 0 and doc[first - 1].dep_ in ("compound", "amod") and doc[first - 1].head.i >= span.start:
            first -= 1  # the rank before the name ('Vice-Admiral') is not the office
        if first > 1 and doc[first - 1].text == ",":
            before = _office_run(reading, first - 1, first - 1)
            if before is not None and _names_nobody(reading, before):
                return before.text
    after = reading.text[end : end + 200]
    if m := re.match(r"\s*,\s*", after):
        stop = re.search(r"[,;.(\n]", after[m.end() :])
        tail = doc.char_span(end + m.end(), end + m.end() + (stop.start() if stop else len(after) - m.end()), alignment_mode="contract")
        if tail is not None and _names_nobody(reading, office := _office_words_only(tail)):
            return office.text
    return None


def title_in(reading: Reading, spans: list[tuple[int, int]]) -> str | None:
    """The person's office as the article first gives it: beside the name (:func:`office_around`), else
    the modifiers before it (:func:`office_before`)."""
    for a, b in spans:
        if office := office_around(reading, a, b) or office_before(reading, a, b):
            return office
    return None


_RANK_WORD = re.compile(r"[A-Z][\w.-]*")  # 'General', 'Gen.', 'Vice-Admiral'
_OWNED = re.compile(r".*?(?P<owner>[A-Z][\w-]*)[\u2019']s")  # 'Morocco\u2019s'
_OWNER_WORD = re.compile(r"[A-Z][\w-]*")


def owner_before(reading: Reading, start: int, end: int) -> str | None:
    """Who the article gives a person to with a possessive right before the name, in its sentence and
    line: 'Morocco' in "Morocco's General Doukur Darmy", 'South Korea' in "South Korea's Prime Minister
    X". Only capitalised words (a rank or an office) stand between the possessive and the name; the
    owner is the run of capitalised words the possessive ends. None when there is no such possessive."""
    doc = reading.analysis.doc
    span = reading.span(start, end)
    if span is None:
        return None
    words: list[list[int]] = []  # the [start, end) of each whitespace-delimited word before the name
    joined = False
    for t in doc[span.sent.start : span.start]:
        if t.is_space or "\n" in t.text:  # a line break ends the run
            words, joined = [], False
            continue
        if joined:
            words[-1][1] = t.idx + len(t)
        else:
            words.append([t.idx, t.idx + len(t)])
        joined = not t.whitespace_
    text = reading.text
    if joined:  # the name is not set off by a space
        return None
    while words and _RANK_WORD.fullmatch(text[words[-1][0] : words[-1][1]]):
        words.pop()
    if not words or not (m := _OWNED.fullmatch(text, *words[-1])):
        return None
    first = m.start("owner")
    if first == words.pop()[0]:
        while words and _OWNER_WORD.fullmatch(text, *words[-1]):
            first = words.pop()[0]
    return text[first : m.end("owner")]


def _office_words(reading: Reading, title: str) -> list[str]:
    doc = reading.analysis.doc
    return [w.casefold() for w in re.findall(r"[\w-]+", title)
            if not doc.vocab[w.casefold()].is_stop and countries.canonical(w) is None]


def same_office(reading: Reading, a: str | None, b: str | None) -> bool:
    """Two titles name one office, nationality and spelling aside: 'Minister of Defence' and 'Latvian
    defense minister', not 'Agriculture Minister' and 'Prime Minister'."""
    if not a or not b:
        return False
    wa, wb = _office_words(reading, a), _office_words(reading, b)
    shared = set(wa) & set(wb)
    ra, rb = [w for w in wa if w not in shared], [w for w in wb if w not in shared]
    if not shared or bool(ra) != bool(rb):
        return False
    return all(any(fuzz.ratio(x, y) >= 80 for y in rb) for x in ra) and all(any(fuzz.ratio(x, y) >= 80 for x in ra) for y in rb)


#: Head nouns of bodies ('Joint Technical Working Group') and of place names ('Lusaka Province').
BODY_HEADS = lexicon.words("body_heads")
PLACE_HEADS = lexicon.words("place_heads")


def person_problem(reading: Reading, name: str, spans: list[tuple[int, int]]) -> Reason | None:
    """Why ``name`` is not a person's name, or None. A body ('Joint Working Group') and an office
    ('Deputy Minister of Defence') end in, or consist of, common English words; a personal name does
    not, unless spaCy tags it as a person."""
    labels: set[str] = set()
    for a, b in spans:
        labels |= entity_labels(reading, a, b)
    words = [w.strip(".,()").casefold() for w in re.split(r"[\s-]+", name) if w.strip(".,()")]
    if len(words) == 1 and spans and all(is_place(reading, a, b) for a, b in spans):
        # The small pipeline tags some places as people ('met in Goa'); a one-word name the article only
        # ever gives as where something happened is a place.
        return Reason.A_PLACE
    if "PERSON" in labels:
        return None
    nouns, adjectives = nlp.common_words()
    common = [w in nouns or w.removesuffix("s") in nouns or w in adjectives or w in {"of", "for", "and", "the", "on", "in"}
              or countries.canonical(w) is not None for w in words]
    if words and (words[-1] in BODY_HEADS or words[-1].removesuffix("s") in BODY_HEADS or labels & {"LAW", "EVENT", "FAC"} and common[-1]):
        return Reason.AN_ORGANISATION
    if len(words) == 1 and countries.canonical(name):
        return Reason.A_COUNTRY
    if words and all(common):
        return Reason.A_TITLE
    return None


MAX_HINTS = 16
