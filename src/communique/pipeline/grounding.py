"""Stage 5, grounding: tie every string the model returns to the characters of the article it came from.

Alignment is tried in order of strictness: the exact characters; the same text after unifying case,
quotation marks, dashes and whitespace (``normalised``); then fuzzy alignment with rapidfuzz
(``fuzzy``, with its score). Whatever cannot be aligned is rejected by the caller, with a reason.

Grounding aligns; it does not judge. Every strategy hands it a draft its own checks already passed
(:mod:`communique.strategies`: ``assisted`` checks each answer as it reads it, ``single-call`` and
``decomposed`` review their merged draft), and every draft is grounded the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from rapidfuzz import fuzz

from ..schema.v1 import Alignment, Chair, Domain, Event, Party, Quote, QuoteKind, Rejection, Span
from ..checks.reasons import Reason
from .drafts import Draft
from ..reading.text import cuts_a_word, normalise, normalise_with_map, split_title


@dataclass
class Grounder:
    """Aligns strings to one article. Cheap to create; caches the normalised article."""

    article: str
    fuzzy_cutoff: float = 90.0

    @cached_property
    def _norm(self) -> tuple[str, list[int]]:
        return normalise_with_map(self.article)

    def span(self, start: int, end: int, alignment: Alignment = Alignment.exact, score: float = 100.0) -> Span:
        return Span(start=start, end=end, text=self.article[start:end], alignment=alignment, score=round(score, 1))

    def find_all(self, needle: str, *, words: bool = True) -> list[Span]:
        """Every occurrence of ``needle`` (normalised comparison), on word boundaries unless ``words=False``."""
        needle_n = normalise(needle)
        if not needle_n:
            return []
        norm, index = self._norm
        pattern = re.escape(needle_n)
        if words:
            pattern = rf"(?<!\w){pattern}(?!\w)"
        spans = []
        for m in re.finditer(pattern, norm):
            start, end = index[m.start()], index[m.end() - 1] + 1
            exact = self.article[start:end] == needle
            spans.append(self.span(start, end, Alignment.exact if exact else Alignment.normalised))
        return spans

    def mentions(self, name: str, aliases: Sequence[str] = ()) -> list[Span]:
        """Where the article names a party: every occurrence of ``name`` and of its ``aliases`` ('U.S.'
        and 'American' for 'United States'), in order; else the best place for ``name``, if any."""
        found = self.find_all(name)
        for alias in aliases:
            found += [m for m in self.find_all(alias) if all(m.start != x.start for x in found)]
        found.sort(key=lambda m: m.start)
        if not found and (span := self.locate(name, words=True)):
            found = [span]
        return found

    @cached_property
    def _joined(self) -> tuple[str, list[int]]:
        norm, index = self._norm
        kept = [(c, index[i]) for i, c in enumerate(norm) if c.isalnum()]
        return "".join(c for c, _ in kept), [i for _, i in kept]

    def find_joined(self, needle: str) -> list[Span]:
        """Every occurrence of ``needle`` with spaces, hyphens and other separators ignored, on word
        boundaries: 'cyber security' in 'Cybersecurity', 'counterterrorism' in 'counter-terrorism'."""
        joined, index = self._joined
        needle_j = "".join(c for c in normalise(needle) if c.isalnum())
        found: list[Span] = []
        at = joined.find(needle_j) if len(needle_j) >= 4 else -1
        while at >= 0:
            start, end = index[at], index[at + len(needle_j) - 1] + 1
            if not cuts_a_word(self.article, start, end):
                found.append(self.span(start, end, Alignment.normalised))
            at = joined.find(needle_j, at + 1)
        return found

    def locate(self, needle: str, *, near: int | None = None, fuzzy: bool = True, words: bool = False) -> Span | None:
        """The best place for ``needle``: exact, else normalised, else fuzzy (above the cutoff).
        With several equal candidates, the one closest to offset ``near`` wins."""
        needle = needle.strip()
        if not needle:
            return None
        exact = [m.start() for m in re.finditer(re.escape(needle), self.article)]
        if exact:
            start = _closest(exact, near)
            return self.span(start, start + len(needle))
        found = self.find_all(needle, words=words)
        if found:
            starts = [s.start for s in found]
            return found[starts.index(_closest(starts, near))]
        if not fuzzy:
            return None
        norm, index = self._norm
        needle_n = normalise(needle)
        if len(needle_n) < 4:
            return None
        hit = fuzz.partial_ratio_alignment(needle_n, norm, score_cutoff=self.fuzzy_cutoff)
        if hit is None:
            return None
        start, end = index[hit.dest_start], index[hit.dest_end - 1] + 1
        return self.span(start, end, Alignment.fuzzy, hit.score)


    def locate_words(self, phrase: str, max_gap: int = 4) -> Span | None:
        """The shortest stretch holding the words of ``phrase`` in order with at most ``max_gap`` words
        between each two ('drug trafficking' in 'drug and human trafficking'); alignment ``fuzzy``."""
        words = [re.escape(w) for w in re.findall(r"\w+", normalise(phrase))]
        if len(words) < 2:
            return None
        norm, index = self._norm
        gap = rf"(?:\W+\w+){{0,{max_gap}}}?\W+"
        best = None
        for m in re.finditer(r"(?<!\w)" + gap.join(words) + r"(?!\w)", norm):
            if best is None or len(m.group(0)) < len(best.group(0)):
                best = m
        if best is None:
            return None
        start, end = index[best.start()], index[best.end() - 1] + 1
        score = 100.0 * len(" ".join(w for w in re.findall(r"\w+", normalise(phrase)))) / max(1, len(best.group(0)))
        return self.span(start, end, Alignment.fuzzy, min(100.0, score))


def _closest(starts: list[int], near: int | None) -> int:
    return starts[0] if near is None else min(starts, key=lambda s: abs(s - near))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'\u201c])")


def limit_sentences(text: str, n: int = 3) -> str:
    sentences = _SENTENCE_END.split(text.strip())
    return " ".join(sentences[:n]).strip()


@dataclass
class Grounded:
    parties: list[Party]
    chairs: list[Chair]
    domains: list[Domain]
    quotes: list[Quote]
    event: Event
    summary: str
    rejected: list[Rejection]
    warnings: list[str]


def ground(article: str, draft: Draft) -> Grounded:
    """Align every answer in ``draft`` with ``article``; keep what is there, reject what is not. The
    draft has passed its strategy's checks: its chairs were judged, its domains are one per what the
    strategy counts as one, each with the wording to report (and, where the strategy found it, its span)."""
    g = Grounder(article)
    rejected: list[Rejection] = list(draft.rejected)
    warnings: list[str] = list(draft.warnings)

    def reject(field: str, value: str, reason: Reason) -> None:
        rejected.append(Rejection(field=field, value=value, reason=reason))

    parties: list[Party] = []
    for p in draft.parties:
        name = p.name.strip()
        if not name or any(normalise(name) == normalise(q.name) for q in parties):
            continue
        mentions = g.mentions(name, p.aliases)
        if not mentions:
            reject("parties", name, Reason.NOT_NAMED)
            continue
        parties.append(Party(name=name, kind=p.kind, mentions=mentions))

    chairs: list[Chair] = []
    for c in draft.chairs:
        name, title_words = split_title(c.name.strip())
        title = (c.title or "").strip() or title_words or None
        if not name or any(normalise(name) == normalise(x.name) for x in chairs):
            continue
        evidence = g.locate(name, words=True)
        chairs.append(Chair(name=name, title=title, party=c.party, evidence=evidence))

    domains: list[Domain] = []
    for d in draft.domains:
        span = d.span if d.span is not None else g.locate(d.wording)
        if span is None:  # 'drug trafficking' in 'drug and human trafficking'
            span = g.locate_words(d.wording)
        if span is None:
            reject("domains", f"{d.label.value}: {d.wording}", Reason.WORDING_NOT_IN_ARTICLE)
            continue
        domains.append(Domain(label=d.label, wording=d.wording, span=span))

    quotes: list[Quote] = []
    for q in draft.quotes:
        text = q.text.strip().strip("\"'\u201c\u201d\u2018\u2019\u00ab\u00bb").strip()
        if not text:
            continue
        if q.start is not None and article[q.start : q.start + len(q.text)] == q.text:
            span = g.span(q.start, q.start + len(q.text))  # found by the quotation finder
        else:
            span = g.locate(text)
        if span is None or span.alignment == Alignment.fuzzy and span.score < 95:
            reject("quotes", q.text, Reason.NOT_VERBATIM)
            continue
        if any(span.start == x.span.start and span.end == x.span.end for x in quotes if x.span):
            continue  # the same quotation twice
        attribution = g.locate(q.speaker, near=span.start, words=True, fuzzy=False) if q.speaker else None
        if q.speaker and attribution is None:
            warnings.append(f"speaker {q.speaker!r} of quote at {span.start} is not named in the article")
        quotes.append(
            Quote(
                text=span.text,
                speaker=q.speaker,
                speaker_party=q.speaker_party,
                kind=quote_kind(article, span),
                span=span,
                attribution=attribution,
            )
        )
    quotes.sort(key=lambda q: q.span.start if q.span else 0)

    event = Event(**draft.event.model_dump())
    if event.date:
        try:
            event.date = date.fromisoformat(event.date.strip()).isoformat()
        except ValueError:
            warnings.append(f"event date {event.date!r} is not an ISO date; dropped")
            event.date = None
    return Grounded(parties, chairs, domains, quotes, event, limit_sentences(draft.summary), rejected, warnings)


def quote_kind(article: str, span: Span) -> QuoteKind:
    """``direct`` when the quotation stands as its own sentence, ``partial`` when it is a fragment."""
    before = article[max(0, span.start - 3) : span.start].rstrip("\"'\u201c\u2018\u00ab ")
    starts_sentence = not before or before[-1] in ".!?:\n"
    return QuoteKind.direct if starts_sentence and span.text[:1].isupper() else QuoteKind.partial
