"""What the model is asked to fill: plain strings, no offsets. Offsets are the grounding stage's job."""

from __future__ import annotations

from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

from ..schema.v1 import DomainLabel, PartyKind, Rejection, Span


class DraftParty(BaseModel):
    name: str
    kind: PartyKind = PartyKind.country
    # Other forms the article writes this party in ('U.S.', 'American' for 'United States'), found by a
    # strategy; never shown to or asked of the model.
    aliases: SkipJsonSchema[list[str]] = Field(default_factory=list)


class DraftChair(BaseModel):
    name: str
    title: str | None = None
    party: str | None = None


class DraftDomain(BaseModel):
    label: DomainLabel
    wording: str
    # Where a strategy's review found the wording in the whole article (prompts v1 and v2, after the
    # chunks' drafts are merged); grounding keeps it. Never shown to or asked of the model.
    span: SkipJsonSchema[Span | None] = None


class DraftQuote(BaseModel):
    text: str
    speaker: str | None = None
    speaker_party: str | None = None
    # Known when a quotation was found deterministically; never shown to or asked of the model.
    start: SkipJsonSchema[int | None] = None


class DraftEvent(BaseModel):
    kind: str | None = None
    title: str | None = None
    date: str | None = Field(default=None, description="YYYY-MM-DD")
    location: str | None = None


class Draft(BaseModel):
    """The whole summary as the model sees it: strings only."""

    parties: list[DraftParty] = Field(default_factory=list)
    chairs: list[DraftChair] = Field(default_factory=list)
    domains: list[DraftDomain] = Field(default_factory=list)
    quotes: list[DraftQuote] = Field(default_factory=list)
    event: DraftEvent = Field(default_factory=DraftEvent)
    summary: str = ""
    # Filled by strategies, never by the model: answers already refused, and notes for the summary.
    rejected: SkipJsonSchema[list[Rejection]] = Field(default_factory=list)
    warnings: SkipJsonSchema[list[str]] = Field(default_factory=list)
