"""The ``assisted`` strategy (prompt v3 and later): hints found exactly, judgements asked, answers checked.

Deterministic finders give *hints and checks*, never a closed list the model must pick from:

- spaCy entities (people, organisations, places, nationalities) and country names resolved by
  country_converter are shown to the model as hints; the model may name anyone the article names.
- Quotations and their speech cues are found exactly (they are provably complete: every pair of
  quotation marks); a clear cue names the speaker, and the model is asked only about the rest.
- Every answer is checked against the article (:mod:`communique.checks`): a party must be named there
  (under any of its names: 'US', 'U.S.', 'American'), a chair must be a person the article names in a
  leading role, a domain must be worded there, a speaker must be named there. Sentences that address
  readers or tools instead of reporting are hidden from the model and are evidence for nothing.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from ..checks.chairs import check_chair, counterparts, leaders
from ..checks.context import YEAR, lede_names
from ..checks.event import event_place
from ..checks.fields import fields_of
from ..checks.names import same_person
from ..checks.parties import check_party, party_forms, party_mentions
from ..checks.reasons import Reason
from ..checks.speakers import clean_speaker, not_a_quotation, resolve_cues, speaker_party
from ..inputs import Article
from ..pipeline.drafts import Draft, DraftEvent, DraftQuote
from ..pipeline.session import Question, Step
from ..prompting import PromptVersion
from ..reading import candidates, countries, dates, read
from ..reading.text import normalise
from ..schema.v1 import Rejection
from . import register

MAX_PARTIES = 12


MAX_CHAIRS = 6


MAX_FIELDS = 14


class PartiesAndChairs(BaseModel):
    parties: list[str] = Field(default_factory=list, max_length=MAX_PARTIES)
    chairs: list[str] = Field(default_factory=list, max_length=MAX_CHAIRS)
    kind: str | None = None
    location: str | None = None
    date: str | None = None


class Leads(BaseModel):
    """Prompt v4's first question: the event's date and place are found in the article, not asked."""

    parties: list[str] = Field(default_factory=list, max_length=MAX_PARTIES)
    chairs: list[str] = Field(default_factory=list, max_length=MAX_CHAIRS)


class Fields(BaseModel):
    fields: list[str] = Field(default_factory=list, max_length=MAX_FIELDS)


class PartyNames(BaseModel):
    parties: list[str] = Field(default_factory=list, max_length=MAX_PARTIES)


def picks_model(options: list[str], numbers: bool = False) -> type[BaseModel]:
    """The common-field check's answer: the chosen wordings, or (``numbers``) their numbers from 1."""
    choice = Literal[tuple(range(1, len(options) + 1) if numbers else options)]  # type: ignore[valid-type]
    return create_model("FieldPicks", fields=(list[choice], Field(max_length=len(options))))  # type: ignore[valid-type]


def _speakers_model(keys: list[str]) -> type[BaseModel]:
    return create_model("Speakers", **{k: (str, Field(max_length=80)) for k in keys})  # type: ignore[call-overload]


def one_domain_per_wording(article: str, draft: Draft) -> Draft:
    """The review: one domain for each wording, the first (a long article's chunks may each give it)."""
    seen: set[str] = set()
    domains = []
    for d in draft.domains:
        if (key := normalise(d.wording)) not in seen:
            seen.add(key)
            domains.append(d)
    return draft.model_copy(update={"domains": domains})


@register("assisted", one_domain_per_wording)
def assisted(article: Article, prompt: PromptVersion) -> Generator[Step, Any, Draft]:
    text = article.text
    base = dates.article_date(text, article.metadata)
    year = base.year if base else max((int(m.group(0)) for m in YEAR.finditer(text)), default=None)
    reading = read(text, year)
    draft = Draft()
    shown = candidates.mask(text, reading.flagged) if reading.flagged else text
    if reading.flagged:
        draft.warnings.append(
            f"{len(reading.flagged)} sentence(s) address readers or tools rather than report; hidden from the model "
            "and used as evidence for nothing: " + "; ".join(repr(text[a:b].strip()[:80]) for a, b in reading.flagged)
        )

    forms = party_forms(reading)
    people = reading.people

    quotes = reading.quotes
    kept: list[int] = []
    for i, q in enumerate(quotes):
        if not reading.usable(q.start, q.end):
            draft.rejected.append(Rejection(field="quotes", value=q.text, reason=Reason.INSIDE_ADDRESSED))
        elif (why := not_a_quotation(reading, q)) is not None:
            draft.rejected.append(Rejection(field="quotes", value=q.text, reason=why))
        else:
            kept.append(i)
    speakers = resolve_cues(reading, quotes, kept)
    open_ = [i for i in kept if speakers.get(i) is None]
    keys = [f"q{n}" for n in range(1, len(open_) + 1)]

    def ask(template: str, model: type[BaseModel], max_tokens: int, **context: Any) -> Question:
        return Question(template, model, max_tokens, {"article": shown, **context})

    # Common fields the article names in the controlled vocabulary's words: a second source beside the
    # model's own open list (it tends to stop at the first list it meets; these catch the fields named
    # elsewhere). Up to prompt v5 the model says which of them are cooperation; from v6 they are taken
    # as found (``mentions = "accept"``): the model's check accepted 114 of 114 on the seed suite and
    # 35 of 36 on the dev set, the one refused a second spelling of another.
    mentions = candidates.find_domains(text)
    wordings = [m.wording for m in mentions if reading.usable(m.start, m.end)]
    event_asked = prompt.options.get("event", "model") == "model"
    by_number = prompt.options.get("picks") == "numbers"
    checked = prompt.options.get("mentions", "check") == "check"
    questions = [
        ask("parties_chairs", PartiesAndChairs if event_asked else Leads, 200, countries=list(forms), people=people),
        ask("domains", Fields, 160),
    ]
    if wordings and checked:
        picks_type = picks_model(wordings, numbers=by_number)
        budget = 20 * len(wordings) if by_number else 40 + 12 * len(wordings)
        questions.append(ask("mentions", picks_type, budget, candidates=wordings))
    if open_:
        shown_quotes = [{"key": k, "text": quotes[i].text[:300]} for k, i in zip(keys, open_)]
        questions.append(ask("attribution", _speakers_model(keys), 16 + 18 * len(keys), quotes=shown_quotes, people=people))
    answers = list((yield tuple(questions)))
    pc: PartiesAndChairs | Leads = answers.pop(0) or Leads()  # None: the deadline passed before it was answered
    fields: Fields = answers.pop(0) or Fields()
    picked = answers.pop(0) if wordings and checked else None
    attribution = answers.pop(0) if open_ else None

    # Parties: each named in the article, under its canonical name; refused ones asked again once.
    refused: list[str] = []
    where = party_mentions(reading)
    lede = lede_names(reading, people)
    for raw in pc.parties:
        party, why = check_party(reading, raw, forms, where, lede)
        if party is None:
            if why == Reason.NOT_NAMED:
                refused.append(raw)
            elif why != Reason.EMPTY:
                draft.rejected.append(Rejection(field="parties", value=raw, reason=why or Reason.REFUSED))
        elif all(p.name != party.name for p in draft.parties):
            draft.parties.append(party)
    if refused:
        retry = yield Question("retry_parties", PartyNames, 100, {"article": shown, "rejected": refused}, reask=True)
        for raw in retry.parties if retry is not None else []:
            party, _ = check_party(reading, raw, forms, where, lede)
            if party is not None and all(p.name != party.name for p in draft.parties):
                draft.parties.append(party)
        draft.rejected += [Rejection(field="parties", value=r, reason=Reason.NOT_NAMED) for r in refused
                           if all(p.name != countries.canonical(r) and normalise(p.name) != normalise(r) for p in draft.parties)]

    # Chairs: people the article names in a leading role: the model's answer, and those the article
    # plainly says chaired, led or signed.
    for raw in [*pc.chairs, *leaders(reading, people)]:
        chair, why = check_chair(reading, raw, draft.parties)
        if chair is None:
            draft.rejected.append(Rejection(field="chairs", value=raw, reason=why or Reason.REFUSED))
        elif (same := next((k for k, c in enumerate(draft.chairs) if same_person(c.name, chair.name)), None)) is None:
            draft.chairs.append(chair)
        elif len(chair.name.split()) > len(draft.chairs[same].name.split()):  # 'Prince Abdulaziz', then 'Abdulaziz bin Salman'
            earlier = draft.chairs[same]
            draft.chairs[same] = earlier.model_copy(update={"name": chair.name, "title": earlier.title or chair.title,
                                                            "party": earlier.party or chair.party})

    draft.chairs += counterparts(reading, draft.chairs, people, draft.parties)

    # Domains: the article's own wording, labelled from the controlled vocabulary where one fits.
    if not checked:
        picks = wordings
    else:
        picks = [wordings[n - 1] if by_number else n for n in picked.fields] if picked is not None else []
    chosen = {w.casefold() for w in picks}
    domains, refusals = fields_of(reading, fields.fields, [m for m in mentions if m.wording.casefold() in chosen])
    draft.domains += domains
    draft.rejected += refusals

    # Quotes: cue speakers, then the model's answers, each checked against the article.
    if attribution is not None:
        for k, i in zip(keys, open_):
            value = clean_speaker(reading, getattr(attribution, k))
            if value is not None and not reading.occurrences(value):
                draft.rejected.append(Rejection(field="quotes", value=f"speaker {value!r}", reason=Reason.NOT_NAMED))
                value = None
            speakers[i] = value
    for i in kept:
        q = quotes[i]
        speaker = speakers.get(i)
        draft.quotes.append(DraftQuote(text=q.text, speaker=speaker, speaker_party=speaker_party(speaker, draft.parties), start=q.start))

    asked = pc if isinstance(pc, PartiesAndChairs) else PartiesAndChairs()
    iso, warning = dates.resolve(asked.date, text=text, base=base) if asked.date else (dates.find_event_date(text, base), None)
    if warning:
        draft.warnings.append(warning)
    names = [p.name for p in draft.parties]
    title = f"{'–'.join(names)} {asked.kind or 'meeting'}" if names else None
    if event_asked:
        location = asked.location if asked.location and reading.occurrences(asked.location) else None
    else:
        location = event_place(reading)
    draft.event = DraftEvent(kind=asked.kind, title=title, date=iso, location=location)
    return draft
