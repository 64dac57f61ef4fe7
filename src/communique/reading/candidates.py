"""Stage 2, candidates: what can be found exactly, found deterministically, with character spans.

- Quotations: straight, curly and single marks, guillemets, nesting, fragments inside sentences,
  quotations running over paragraphs in the opening-mark-only style. Unbalanced marks never crash:
  an opening mark with no close by the end of its paragraph (and no continuation) is dropped.
- Speech cues near each quotation ("X said", "according to X", "X stated that ...", "X described ...
  as"), giving candidate speakers with spans.
- Domain mentions from a small lexicon mapping the article's wording to the controlled vocabulary.
- The text the model is shown with stretches hidden (:func:`mask`).

Prompt v2's own finders (chair candidates, name-like spans, instruction-like sentences) are in
:mod:`communique.strategies.decomposed`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..schema.v1 import DomainLabel
from . import lexicon
from .text import ROLE_NOUNS

_OPEN_DOUBLE = {"\u201c": "\u201d", "\u00ab": "\u00bb", "\u201e": "\u201c"}
_CLOSE_DOUBLE = {"\u201d", "\u00bb"}
_SINGLE_OPEN = {"\u2018", "'", "\u201a"}
_SINGLE_CLOSE = {"\u2019", "'"}
#: Two marks that stand for one double mark in wire and typewriter styles: ‘‘…’’, ``…'', “…’’, "…''.
_PAIRED_OPEN = {"\u2018\u2018", "``"}
_PAIRED_CLOSE = {"\u2019\u2019", "''"}
_OPENERS_BEFORE = set(" \t\n([{\u2014\u2013-/\"\u201c\u00ab")


@dataclass
class QuoteCandidate:
    start: int  # first character inside the marks
    end: int  # one past the last character inside the marks
    text: str
    depth: int  # 0 top level, 1 inside another quotation
    parent: int | None = None  # index of the enclosing quotation
    cues: list[Cue] = field(default_factory=list)

    @property
    def strong_cue(self) -> Cue | None:
        return next((c for c in self.cues if c.strong), None)


@dataclass(frozen=True)
class Cue:
    speaker: str
    start: int
    end: int
    kind: str  # after, after_inverted, according_to, before_that, described_as, continuation, statement
    strong: bool = True


@dataclass
class _Open:
    pos: int
    mark: str
    double: bool


def _wrapped(text: str, i: int) -> bool:
    """The line break at ``i`` wraps a line inside a paragraph, within an open quotation: no blank line
    follows, the next line does not open a quotation, and a closing mark comes before the paragraph ends."""
    end = text.find("\n\n", i)
    rest = text[i + 1 : end if end >= 0 else len(text)]
    if not rest.strip() or text[i + 1 : i + 2] == "\n" or rest.lstrip()[:1] in (*_OPEN_DOUBLE, '"'):
        return False
    return any(c in _CLOSE_DOUBLE or c == '"' for c in rest)


def find_quotes(text: str) -> list[QuoteCandidate]:
    """Every quotation in ``text``, in order of their opening marks."""
    stack: list[_Open] = []
    found: list[tuple[int, int, int, int]] = []  # (open mark pos, close mark pos, depth, open mark width)
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < n else " "
        if ch == "\n" and any(o.double for o in stack) and _wrapped(text, i):
            i += 1  # a line wrapped inside a paragraph: the quotation goes on
            continue
        if ch == "\n" and any(o.double for o in stack):
            # Opening-mark-only style: the quotation continues if the next paragraph re-opens it.
            j = i
            while j < n and text[j].isspace():
                j += 1
            if j < n and (text[j] in _OPEN_DOUBLE or text[j] == '"') and not any(not o.double for o in stack):
                i = j + 1
                continue
            if _block(text, stack[0].pos) and len(stack) == 1:
                _close(stack, found, i, double=True)  # a block quotation after 'said:' ends with its paragraph
            stack.clear()  # unbalanced: drop what is open
        elif ch == "\n":
            stack.clear()
        elif text[i : i + 2] in _PAIRED_OPEN and (prev in _OPENERS_BEFORE or i == 0):
            stack.append(_Open(i, text[i : i + 2], True))
            i += 2
            continue
        elif text[i : i + 2] in _PAIRED_CLOSE and any(o.double for o in stack) and not prev.isspace():
            _close(stack, found, i, double=True)
            i += 2
            continue
        elif ch == "\u2018" and stack and stack[-1].mark == "\u201a":  # German ‚…‘
            _close(stack, found, i, double=False)
        elif ch in _OPEN_DOUBLE and not (ch == "\u201c" and stack and stack[-1].mark == "\u201e"):
            stack.append(_Open(i, ch, True))
        elif ch in _CLOSE_DOUBLE and not any(o.double for o in stack) and (prev.isspace() or i == 0) and nxt.isalnum():
            stack.append(_Open(i, ch, True))  # a closing mark used to open ('\u201dA country is ...,\u201d said ...')
        elif ch in _CLOSE_DOUBLE or ch == "\u201c" and stack and stack[-1].mark == "\u201e":
            _close(stack, found, i, double=True)
        elif ch == '"' or ch == "'" and nxt == "'":  # two apostrophes ('' ... '') are a double mark
            width = 2 if ch == "'" else 1
            if any(o.double for o in stack) and not (prev.isspace() and text[i + width : i + width + 1].isalnum()):
                _close(stack, found, i, double=True)
            else:  # an opening mark, or a nested one: 'the route "China-Kazakhstan-Uzbekistan". A number'
                stack.append(_Open(i, ch * width, True))
            i += width
            continue
        elif ch in _SINGLE_CLOSE and stack and not stack[-1].double and not nxt.isalnum() and not prev.isspace():
            _close(stack, found, i, double=False)
        elif ch in _SINGLE_OPEN and (prev in _OPENERS_BEFORE or i == 0) and (nxt.isalnum() or nxt in "\u2018\u201c"):
            stack.append(_Open(i, ch, False))
        i += 1
    if len(stack) == 1 and stack[0].double and _block(text, stack[0].pos):
        _close(stack, found, n, double=True)
    quotes: list[QuoteCandidate] = []
    for open_pos, close_pos, depth, width in sorted(found):
        start, end = open_pos + width, close_pos
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end - start < 2:
            continue
        quotes.append(QuoteCandidate(start, end, text[start:end], depth))
    for q in quotes:
        if q.depth:
            q.parent = next(
                (k for k, p in enumerate(quotes) if p.depth < q.depth and p.start <= q.start and q.end <= p.end), None
            )
    return quotes


def _block(text: str, pos: int) -> bool:
    """The quotation opened at ``pos`` is a block quotation: its mark opens a line that follows text
    ending in a colon ('the minister said:'). Its paragraphs each open with a mark and none closes."""
    line_start = text.rfind("\n", 0, pos) + 1
    return not text[line_start:pos].strip() and text[:line_start].rstrip().endswith(":")


def _close(stack: list[_Open], found: list[tuple[int, int, int, int]], i: int, *, double: bool) -> None:
    for k in range(len(stack) - 1, -1, -1):
        if stack[k].double == double:
            opened = stack[k]
            del stack[k:]
            found.append((opened.pos, i, k, len(opened.mark)))
            return


# -- speech cues ----------------------------------------------------------------------------------

#: The written forms of the verbs of saying the cues match, as a regular-expression alternation
#: ('said|says|say|stated|...'): ``lexicon/speech_verbs.txt``, the forms after each lemma, in order.
SPEECH_VERBS = "|".join(form for forms in lexicon.table("speech_verbs").values() for form in forms.split())
_WORDS = r"(?:[^\s\"\u201c\u201d\u00ab\u00bb.;:!?]+\s+){0,7}?[^\s\"\u201c\u201d\u00ab\u00bb.;:!?]+"
_AFTER = re.compile(rf"^[\s,\u2014\u2013-]*(?P<who>{_WORDS})\s+(?:{SPEECH_VERBS})\b")
_AFTER_INVERTED = re.compile(rf"^[\s,\u2014\u2013-]*(?:{SPEECH_VERBS})\s+(?P<who>[^.;:!?\n]{{2,120}})")
_ACCORDING = re.compile(r"^[\s,\u2014\u2013-]*according\s+to\s+(?P<who>[^.;:!?\n]{2,120})")
_SUBJECT_VERB = re.compile(rf"^(?P<who>{_WORDS})\s+(?:{SPEECH_VERBS})\b")
_DESCRIBED = re.compile(r"^(?P<who>[^.;!?\n]{2,160}?)\s+(?:described|called|termed|characteri[sz]ed)\b[^.]*?\bas\s*$")
_NAME_SAYS = re.compile(rf"(?P<who>[A-Z][\w\u2019'-]*(?:\s+[A-Z][\w\u2019'-]*)+)\s+(?:{SPEECH_VERBS})\s*$")
_SENTENCE_START = re.compile(r"[.!?]\s+|\n")
#: A cue's subject opening with a pronoun names no speaker: the pronouns checks/speakers.py resolves to
#: an antecedent, and 'you' and 'that' ('that said'), which it does not.
_PRONOUNS = lexicon.words("pronouns") | {"you", "that"}
_CAP = r"[A-Z][\w\u2019'-]*"
_FUNCTION_WORDS = r"(?:the|of|for|and|at|in|on|de|al|to|with|from|by|a|an)"
# 'Riverside Athletic coach Marta Lindqvist': a lowercase role word, then a capitalised name at the end.
_PERSON_TAIL = re.compile(rf"(?:^|\s)(?!{_FUNCTION_WORDS}\s)[a-z][\w-]*\s+(?P<name>{_CAP}(?:\s+{_CAP})+)$")
_PERSON_OF = re.compile(rf"^(?P<name>(?:{_CAP}\s+){{1,4}}{_CAP})\s+of\s+")


def clean_speaker(raw: str) -> str | None:
    """Reduce a cue's subject to a speaker name, or None if it is no name at all.

    'The Inspector General of the Royal Armed Forces, Commander of ...' -> 'The Inspector General of the
    Royal Armed Forces'; 'Riverside Athletic coach Marta Lindqvist' -> 'Marta Lindqvist';
    'Colonel Nabil Ouazzani of the Royal Moroccan Armed Forces' -> 'Colonel Nabil Ouazzani'.
    """
    who = raw.split(",")[0].strip().rstrip(".;:!?\u2019'\"").strip()
    if not who or who.split()[0].casefold() in _PRONOUNS:
        return None
    if m := _PERSON_TAIL.search(who):
        who = m.group("name")
    elif not who.casefold().startswith(("the ", "a ", "an ")) and (m := _PERSON_OF.match(who)):
        who = m.group("name")
    words = who.split()
    if not any(w[0].isupper() for w in words) and words[-1].casefold() not in ROLE_NOUNS:
        return None
    return who


def _cue(m: re.Match[str], offset: int, kind: str) -> Cue | None:
    raw = m.group("who")
    who = clean_speaker(raw)
    if who is None:
        return None
    start = offset + m.start("who") + raw.index(who.split()[0])
    return Cue(who, start, start + len(who), kind)


def _same_words(a: str, b: str) -> bool:
    words = lambda t: re.findall(r"\w+", t.casefold())  # noqa: E731
    return words(a) == words(b)


def quotations(text: str) -> list[QuoteCandidate]:
    """Every quotation in ``text`` with its speech cues (:func:`find_quotes`, :func:`attach_cues`)."""
    found = find_quotes(text)
    attach_cues(text, found)
    return found


def attach_cues(text: str, quotes: list[QuoteCandidate]) -> None:
    """Find speech cues for each quotation in the text around it."""
    for q in quotes:
        if q.depth:  # nested: the cue is inside the enclosing quotation, before this one
            parent = quotes[q.parent] if q.parent is not None else None
            lo = parent.start if parent else 0
            window = text[lo : q.start - 1]
            for pattern, kind in ((_DESCRIBED, "described_as"), (_NAME_SAYS, "before")):
                if (m := pattern.search(window)) and (cue := _cue(m, lo, kind)):
                    q.cues.append(cue)
                    break
            continue
        close = q.end + 1
        after = text[close : close + 200].split("\n")[0]
        sentence_start = max((m.end() for m in _SENTENCE_START.finditer(text, 0, max(0, q.start - 1))), default=0)
        before = text[sentence_start : max(sentence_start, q.start - 1)]
        for pattern, kind in ((_ACCORDING, "according_to"), (_AFTER_INVERTED, "after_inverted"), (_AFTER, "after")):
            if (m := pattern.match(after)) and (cue := _cue(m, close, kind)):
                q.cues.append(cue)
                break
        for pattern, kind in ((_SUBJECT_VERB, "before_that"), (_DESCRIBED, "described_as")):
            if (m := pattern.match(before)) and (cue := _cue(m, sentence_start, kind)):
                q.cues.append(cue)
    # A quotation with no cue that repeats another quotation (a headline quoting the body) has the
    # speaker of the one it repeats.
    for q in quotes:
        if q.cues or q.depth:
            continue
        twin = next((o for o in quotes if o is not q and o.strong_cue and _same_words(o.text, q.text)), None)
        if twin is not None:
            cue = twin.strong_cue
            assert cue is not None  # twin was chosen for having one
            q.cues.append(Cue(cue.speaker, cue.start, cue.end, "repeats"))
    # A quotation with no cue of its own right after another in the same paragraph, joined by a short
    # bridge ("... said in a statement."), continues the previous speaker.
    for prev, q in zip(quotes, quotes[1:]):
        if q.depth or q.cues or prev.depth or not prev.cues:
            continue
        bridge = text[prev.end + 1 : q.start - 1]
        if "\n" not in bridge and len(bridge) < 120:
            src = prev.strong_cue or prev.cues[0]
            q.cues.append(Cue(src.speaker, src.start, src.end, "continuation", strong=src.strong))


# -- domains ---------------------------------------------------------------------------------------

# wording pattern -> label. Patterns are matched case-insensitively on word boundaries.
DOMAIN_LEXICON: list[tuple[str, DomainLabel]] = [
    (r"intelligence(?:[- ]sharing)?", DomainLabel.intelligence),
    (r"cyber[- ]?security|cyber[- ]?defen[cs]e|cyber", DomainLabel.cybersecurity),
    (r"air[- ]defen[cs]e|missile[- ]defen[cs]e", DomainLabel.air_defense),
    (r"electronic[- ]warfare", DomainLabel.electronic_warfare),
    (r"logistics?", DomainLabel.logistics),
    (r"(?:military |joint )?training|(?:joint )?exercises|drills", DomainLabel.training),
    (r"acquisition and modernization of equipment|acquisition and modernisation of equipment|"
     r"(?:arms|weapons|equipment) (?:procurement|purchases|acquisition)|procurement", DomainLabel.procurement),
    (r"defen[cs]e[- ]industr(?:ial|y)(?: field| cooperation| sector)?|arms industry|military industry", DomainLabel.defense_industry),
    (r"maritime security|naval cooperation|maritime", DomainLabel.maritime_security),
    (r"counter[- ]?terrorism|fight against terrorism", DomainLabel.counter_terrorism),
    (r"border security|border control", DomainLabel.border_security),
    (r"space (?:cooperation|technology|research)|satellites?", DomainLabel.space),
    (r"research and development|scientific research", DomainLabel.research),
    (r"trade|commerce|exports?|imports?", DomainLabel.trade),
    (r"investments?", DomainLabel.investment),
    (r"energy|renewables?|oil and gas|natural gas", DomainLabel.energy),
    (r"water(?: management| desalination)?|desalination", DomainLabel.water),
    (r"agricultur(?:e|al)|food security", DomainLabel.agriculture),
    (r"health(?: ?care)?|medical", DomainLabel.health),
    (r"education|academic", DomainLabel.education),
    (r"tourism", DomainLabel.tourism),
    (r"culture|cultural", DomainLabel.culture),
    (r"technology|innovation|artificial intelligence", DomainLabel.technology),
]
_DOMAIN_RE = [(re.compile(rf"(?<!\w)(?:{p})(?!\w)", re.I), label) for p, label in DOMAIN_LEXICON]
#: The lexicon compiled: finds mentions for prompt v2, and labels the model's own wordings for v3.
DOMAIN_PATTERNS = _DOMAIN_RE


@dataclass(frozen=True)
class DomainCandidate:
    label: DomainLabel
    wording: str
    start: int
    end: int


def find_domains(text: str) -> list[DomainCandidate]:
    """The first mention of each lexicon wording, longest match first where they overlap."""
    hits: list[DomainCandidate] = []
    for pattern, label in _DOMAIN_RE:
        for m in pattern.finditer(text):
            hits.append(DomainCandidate(label, m.group(0), m.start(), m.end()))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[DomainCandidate] = []
    seen: set[str] = set()
    last_end = -1
    for h in hits:
        if h.start < last_end:
            continue
        last_end = h.end
        key = h.wording.casefold()
        if key in seen:
            continue
        seen.add(key)
        kept.append(h)
    return kept


# -- hiding text from the model ----------------------------------------------------------------------

INSTRUCTION_PLACEHOLDER = "[instruction-like text removed by communique]"


def mask(text: str, spans: list[tuple[int, int]], placeholder: str = INSTRUCTION_PLACEHOLDER) -> str:
    """The text the model sees: each span replaced by a placeholder. Offsets in answers are never taken
    from the masked text; every answer is grounded against the original article."""
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], placeholder]
        last = end
    out.append(text[last:])
    return "".join(out)
