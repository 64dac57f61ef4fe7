"""The pipeline's own components: what the deterministic layer reads into the spaCy Doc, once.

:func:`communique.reading.nlp.pipeline` adds them to spaCy's English pipeline: the paragraph breaks
before the parser, the other three after the entity recogniser, in this order (each reads what the one
before it wrote). Each declares its contract to spaCy (``requires``/``assigns``, shown by
``nlp.analyze_pipes()``) and in its docstring.

A Span holds token boundaries and a label; a quotation's inner text, a flagged stretch or a country's
written form need not end on a token boundary, and the rules downstream use their exact character
offsets. So each component writes two things in step: ``doc.spans[<key>]``, one Span per item (the
tokens that hold it: ``alignment_mode="expand"``), and ``doc._.<key>``, the exact items in the same
order (:class:`~communique.reading.candidates.QuoteCandidate`, :class:`~communique.reading.guard.Flag`,
:class:`~communique.reading.countries.Mention`). Read them with :func:`quotes`, :func:`flags` and
:func:`countries_in`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import candidates, countries, guard, nlp

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

QUOTES = "quotes"
ADDRESSED = "addressed"
COUNTRIES = "countries"


def register() -> None:
    """Register the components and the extension attributes they write (once per process)."""
    from spacy.language import Language
    from spacy.tokens import Doc, Token

    for attr in ("in_quote", "flagged"):
        if not Token.has_extension(attr):
            Token.set_extension(attr, default=False)
    if not Token.has_extension("folded_lemma"):  # for the token patterns of reading/patterns/
        Token.set_extension("folded_lemma", getter=lambda token: token.lemma_.casefold())
    for key in (QUOTES, ADDRESSED, COUNTRIES):
        if not Doc.has_extension(key):
            Doc.set_extension(key, default=None)
    contracts: list[tuple[str, Any, list[str], list[str]]] = [
        ("communique_paragraphs", paragraphs, [], ["token.is_sent_start"]),
        ("communique_quotes", find_quotes, [], ["doc.spans", "doc._.quotes", "token._.in_quote"]),
        ("communique_addressed", find_addressed, ["token.dep", "token.lemma", "token.tag", "doc._.quotes"],
         ["doc.spans", "doc._.addressed", "token._.flagged"]),
        ("communique_countries", find_countries, ["doc.ents"], ["doc.spans", "doc._.countries"]),
    ]
    for name, func, requires, assigns in contracts:
        if not Language.has_factory(name):
            Language.component(name, func=func, requires=requires, assigns=assigns)


def paragraphs(doc: Doc) -> Doc:
    """``communique_paragraphs``, before the parser. Reads: the tokens. Writes: ``token.is_sent_start``
    on the first token after a blank line.

    A sentence starts after a blank line: a headline or a paragraph without a final stop does not run
    into the next paragraph ('... pledge closer border cooperation\\n\\nGermany's Interior Minister ...').
    Set before the parser, which keeps the boundaries it is given."""
    for token in doc[1:]:
        if doc[token.i - 1].is_space and doc[token.i - 1].text.count("\n") >= 2 and not token.is_space:
            token.is_sent_start = True
    return doc


def find_quotes(doc: Doc) -> Doc:
    """``communique_quotes``. Reads: ``doc.text`` only (quotation marks, line breaks). Writes:

    - ``doc._.quotes``: every quotation with its speech cues, in order of their opening marks
      (:func:`candidates.find_quotes`, :func:`candidates.attach_cues`; exact character offsets of the
      inner text, marks excluded);
    - ``doc.spans["quotes"]``: for each, in the same order, the tokens that hold its inner text;
    - ``token._.in_quote``: True for a token that starts inside the inner text of a quotation.
    """
    found = candidates.quotations(doc.text)
    doc._.quotes = found
    doc.spans[QUOTES] = [_span(doc, q.start, q.end) for q in found]
    _mark(doc, [(q.start, q.end) for q in found], QUOTES, "in_quote")
    return doc


def find_addressed(doc: Doc) -> Doc:
    """``communique_addressed``, after ``communique_quotes``. Reads: the parse (sentences, dependencies,
    tags, lemmas) and ``doc._.quotes``. Writes:

    - ``doc._.addressed``: the stretches that address readers or tools (:func:`guard.find_addressed`),
      each a :class:`guard.Flag` with exact character offsets and its reasons;
    - ``doc.spans["addressed"]``: for each, in the same order, its tokens, ``span.label_`` the reasons
      ('imperative, addressee');
    - ``token._.flagged``: True for a token that starts inside a flagged stretch.
    """
    found = guard.find_addressed(nlp.Analysis(doc.text, doc))
    doc._.addressed = found
    doc.spans[ADDRESSED] = [_span(doc, f.start, f.end, f.reason) for f in found]
    _mark(doc, [(f.start, f.end) for f in found], ADDRESSED, "flagged")
    return doc


def find_countries(doc: Doc) -> Doc:
    """``communique_countries``. Reads: the entities (GPE, NORP, ORG, LOC). Writes:

    - ``doc._.countries``: every place the article names a country or listed body
      (:func:`countries.mentions`), as a :class:`countries.Mention` with exact character offsets, the
      flagged sentences included (:class:`~communique.reading.Reading` leaves those out);
    - ``doc.spans["countries"]``: for each, in the same order, its tokens, ``span.label_`` and
      ``span.id_`` the canonical name ('United States' for 'U.S.' or 'American').
    """
    found = countries.mentions(nlp.Analysis(doc.text, doc))
    doc._.countries = found
    doc.spans[COUNTRIES] = [_span(doc, m.start, m.end, m.name, m.name) for m in found]
    return doc


def _mark(doc: Doc, stretches: list[tuple[int, int]], group: str, flag: str) -> None:
    """Set the token extension ``flag`` on each token of ``doc.spans[group]`` that starts inside its
    stretch (the exact character offsets, which a span expanded to whole tokens may overrun)."""
    for (start, end), span in zip(stretches, doc.spans[group]):
        for token in span:
            if start <= token.idx < end:
                token._.set(flag, True)


def _span(doc: Doc, start: int, end: int, label: str = "", span_id: str = "") -> Span:
    from spacy.tokens import Span

    span = doc.char_span(start, end, label=label, alignment_mode="expand")
    if span is None:  # not reached for a non-empty stretch of the text; an empty span keeps the order
        span = Span(doc, 0, 0, label=label)
    if span_id:
        span.id_ = span_id
    return span


def quotes(doc: Doc) -> list[candidates.QuoteCandidate]:
    """The quotations ``communique_quotes`` found (read now if the Doc did not go through it)."""
    found = doc._.quotes if doc.has_extension(QUOTES) else None
    return list(found) if found is not None else candidates.quotations(doc.text)


def flags(doc: Doc) -> list[guard.Flag]:
    """The stretches ``communique_addressed`` flagged (read now if the Doc did not go through it)."""
    found = doc._.addressed if doc.has_extension(ADDRESSED) else None
    return list(found) if found is not None else guard.find_addressed(nlp.Analysis(doc.text, doc))


def countries_in(doc: Doc) -> list[countries.Mention]:
    """The country mentions ``communique_countries`` found (read now if the Doc did not go through it)."""
    found = doc._.countries if doc.has_extension(COUNTRIES) else None
    return list(found) if found is not None else countries.mentions(nlp.Analysis(doc.text, doc))
