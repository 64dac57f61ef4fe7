"""Reading an article once: the spaCy analysis, the sentences addressed to readers or tools, the
quotations, the people and countries it names. Every check reads the article through a :class:`Reading`.

The pipeline's own components (:mod:`.components`) find the quotations, the addressed stretches and
the country mentions while spaCy reads the article; a :class:`Reading` takes them from its Doc."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from ..pipeline.grounding import Grounder
from . import candidates, components, countries, guard, nlp, patterns, phrases

if TYPE_CHECKING:
    from spacy.tokens import Span


@dataclass
class Reading:
    """One article as the deterministic layer sees it."""

    text: str
    analysis: nlp.Analysis
    flagged: list[tuple[int, int]]  # sentences that address readers or tools: evidence for nothing
    year: int | None = None  # the article's year (its date, else the latest year it names)
    _spans: dict[tuple[int, int], Span | None] = field(default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def grounder(self) -> Grounder:
        """One aligner for the article: it normalises the text once, however many names are looked up."""
        return Grounder(self.text)

    @cached_property
    def quotes(self) -> list[candidates.QuoteCandidate]:
        """Every quotation, with its speech cues (``communique_quotes``)."""
        return components.quotes(self.analysis.doc)

    @cached_property
    def people(self) -> list[str]:
        """The people the article names (:func:`communique.checks.names.people_in`)."""
        from ..checks.names import people_in  # the checks read the article through this class

        return people_in(self)

    @cached_property
    def noun_lists(self) -> list[list[phrases.Phrase]]:
        """Each list of noun phrases the article gives (:func:`phrases.noun_lists`), read once for the
        several field rules that look at them."""
        return phrases.noun_lists(self.analysis.doc)

    @cached_property
    def quoted(self) -> list[tuple[int, int]]:
        return [(q.start, q.end) for q in self.quotes]

    @cached_property
    def country_mentions(self) -> list[countries.Mention]:
        """Where the article names a country or listed body, outside flagged sentences
        (``communique_countries``)."""
        return [m for m in components.countries_in(self.analysis.doc) if self.usable(m.start, m.end)]

    @cached_property
    def matches(self) -> dict[str, list[int]]:
        """Label -> the tokens (indices, in order) where a token pattern of :mod:`.patterns` with that
        label begins a match in the article ('SPEECH_VERB', 'LEADING', ...)."""
        doc = self.analysis.doc
        found: dict[str, set[int]] = {}
        for match_id, start, _ in patterns.matcher()(doc):
            found.setdefault(doc.vocab.strings[match_id], set()).add(start)
        return {label: sorted(starts) for label, starts in found.items()}

    def matched(self, label: str, start: int, end: int) -> list[int]:
        """The tokens from index ``start`` to ``end`` where a pattern labelled ``label`` matches."""
        tokens = self.matches.get(label, [])
        return tokens[bisect.bisect_left(tokens, start) : bisect.bisect_left(tokens, end)]

    def span(self, start: int, end: int) -> Span | None:
        """The tokens that hold the characters ``[start, end)`` of the article (spaCy's ``char_span``,
        ``alignment_mode="expand"``), None where spaCy gives none. Made once for each stretch."""
        if (start, end) not in self._spans:
            self._spans[start, end] = self.analysis.doc.char_span(start, end, alignment_mode="expand")
        return self._spans[start, end]

    def sentence(self, offset: int) -> Span | None:
        """The tokens of the sentence at ``offset`` (:meth:`nlp.Analysis.sentence_at`)."""
        return self.span(*self.analysis.sentence_at(offset))

    def usable(self, start: int, end: int) -> bool:
        return not any(a <= start and end <= b for a, b in self.flagged)

    def occurrences(self, name: str) -> list[tuple[int, int]]:
        """Where ``name`` occurs (case, quote marks and spaces unified), outside flagged sentences."""
        return [(s.start, s.end) for s in self.grounder.find_all(name) if self.usable(s.start, s.end)]


def flagged_spans(analysis: nlp.Analysis) -> list[tuple[int, int]]:
    """The stretches addressed to readers or tools (``communique_addressed``)."""
    return guard.spans(components.flags(analysis.doc))


def read(text: str, year: int | None = None) -> Reading:
    """The article read once: parsed, with the sentences addressed to readers or tools flagged."""
    analysis = nlp.analyse(text)
    return Reading(text, analysis, flagged_spans(analysis), year)
