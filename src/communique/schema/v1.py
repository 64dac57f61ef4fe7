"""Summary schema, version 1.

Released: this module never changes. A change to the output shape is a new module (``v2``) and a new
file in ``schemas/``; ``tests/test_schema.py`` fails when the checked-in JSON Schema drifts from these
models.

Character offsets (``start``/``end``) index the article text exactly as it was given (after decoding
to ``str``), end exclusive: ``article[span.start:span.end]``.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION: Final = "1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Alignment(str, Enum):
    """How a returned string was found in the article."""

    exact = "exact"  # the same characters
    normalised = "normalised"  # equal after unifying case, quote marks and whitespace
    fuzzy = "fuzzy"  # close enough by rapidfuzz similarity


class Span(_Model):
    start: int = Field(ge=0, description="Offset of the first character in the article.")
    end: int = Field(ge=0, description="Offset one past the last character.")
    text: str = Field(description="The article's own characters in [start, end).")
    alignment: Alignment = Alignment.exact
    score: float = Field(default=100.0, ge=0, le=100, description="Similarity 0-100 for fuzzy alignments.")


class PartyKind(str, Enum):
    country = "country"
    organisation = "organisation"
    armed_forces = "armed_forces"
    government_body = "government_body"
    company = "company"
    other = "other"


class Party(_Model):
    name: str = Field(description="Canonical name, e.g. the country: 'Morocco', not 'Moroccan'.")
    kind: PartyKind = PartyKind.country
    mentions: list[Span] = Field(default_factory=list, description="Where the article names it.")


class Chair(_Model):
    name: str = Field(description="The person's name as written, without title or rank.")
    title: str | None = Field(default=None, description="Title or office as the article gives it.")
    party: str | None = Field(default=None, description="Name of the party (from `parties`) they belong to.")
    evidence: Span | None = Field(default=None, description="Where the article names this chair.")


class DomainLabel(str, Enum):
    intelligence = "intelligence"
    cybersecurity = "cybersecurity"
    air_defense = "air_defense"
    electronic_warfare = "electronic_warfare"
    logistics = "logistics"
    training = "training"
    procurement = "procurement"
    defense_industry = "defense_industry"
    maritime_security = "maritime_security"
    counter_terrorism = "counter_terrorism"
    border_security = "border_security"
    space = "space"
    research = "research"
    trade = "trade"
    investment = "investment"
    energy = "energy"
    water = "water"
    agriculture = "agriculture"
    health = "health"
    education = "education"
    tourism = "tourism"
    culture = "culture"
    technology = "technology"
    diplomacy = "diplomacy"
    other = "other"


class Domain(_Model):
    label: DomainLabel
    wording: str = Field(description="The article's own words for this field of cooperation.")
    span: Span | None = None


class QuoteKind(str, Enum):
    direct = "direct"  # a whole statement in quotation marks
    partial = "partial"  # a fragment in quotation marks inside reported speech


class Quote(_Model):
    text: str = Field(description="Verbatim text inside the quotation marks.")
    speaker: str | None = Field(default=None, description="Who the article says said it.")
    speaker_party: str | None = None
    kind: QuoteKind = QuoteKind.direct
    span: Span | None = Field(default=None, description="The quoted text in the article, marks excluded.")
    attribution: Span | None = Field(default=None, description="Where the article names the speaker.")


class Event(_Model):
    kind: str | None = Field(default=None, description="E.g. 'meeting', 'visit', 'agreement signing'.")
    title: str | None = None
    date: str | None = Field(default=None, description="ISO 8601 date (YYYY-MM-DD) when known.")
    location: str | None = None


class Rejection(_Model):
    """An answer from the model that grounding did not accept. Reported, never silently dropped."""

    field: str
    value: str
    reason: str


class Usage(_Model):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class Provenance(_Model):
    prompt_id: str
    prompt_version: str
    prompt_hash: str
    schema_version: str = SCHEMA_VERSION
    backend: str
    model: str
    model_sha256: str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    usage: Usage = Field(default_factory=Usage)
    latency_s: float = 0.0
    calls: int = Field(default=0, description="Model calls made for this article.")
    attempts: int = Field(default=0, description="Model attempts including re-asks and transport retries.")
    article_sha256: str
    communique_version: str


class Summary(_Model):
    """A grounded summary of one article."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    parties: list[Party] = Field(default_factory=list)
    chairs: list[Chair] = Field(default_factory=list)
    domains: list[Domain] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    event: Event = Field(default_factory=Event)
    summary: str = Field(default="", description="At most three neutral sentences.")
    rejected: list[Rejection] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    provenance: Provenance
