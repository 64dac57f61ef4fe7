"""Parties: a state or listed body the article names as taking part, under its canonical name."""

from __future__ import annotations

from ..pipeline.drafts import DraftParty
from ..reading import Reading, countries
from ..reading.text import normalise
from ..schema.v1 import PartyKind
from .context import taking_part
from .names import TRAILING, same_person
from .reasons import Reason


def party_forms(reading: Reading) -> dict[str, list[str]]:
    """Canonical country (or listed body) -> the forms the article writes it in, outside flagged text."""
    forms: dict[str, list[str]] = {}
    for m in reading.country_mentions:
        forms.setdefault(m.name, [])
        if m.text not in forms[m.name]:
            forms[m.name].append(m.text)
    return forms


def check_party(reading: Reading, name: str, forms: dict[str, list[str]],
                mentions: dict[str, list[tuple[int, int]]] | None = None, lede: set[str] | None = None) -> tuple[DraftParty | None, Reason | None]:
    """The party under its canonical name with the forms the article uses, or the reason it is refused."""
    name = TRAILING.sub("", name.strip())
    if not name:
        return None, Reason.EMPTY
    canonical = countries.canonical(name)
    if canonical is not None:
        found = {s for form in [name, canonical, *forms.get(canonical, [])] for s in reading.occurrences(form)}
        spans = sorted(found | set((mentions or {}).get(canonical, [])))
        if not spans:
            return None, Reason.NOT_NAMED
        if mentions is not None and (why := background_only(reading, spans, lede)) is not None:
            return None, why
        aliases = forms.get(canonical) or [name]
        kind = PartyKind.country if _is_country(canonical) else PartyKind.organisation
        return DraftParty(name=canonical, kind=kind, aliases=aliases), None
    spans = reading.occurrences(name)
    if not spans:
        return None, Reason.NOT_NAMED
    if any(same_person(name, person) for person in reading.people) or any(
            e.label == "PERSON" and normalise(e.text) == normalise(name) for e in reading.analysis.entities):
        return None, Reason.A_PERSON
    if mentions is not None and (why := background_only(reading, spans, lede)) is not None:
        return None, why
    return DraftParty(name=name, kind=PartyKind.organisation), None


def background_only(reading: Reading, spans: list[tuple[int, int]], lede: set[str] | None) -> Reason | None:
    """Why a party the model named is refused as no participant, or None: no mention of it is in the
    opening paragraph or in a sentence about this meeting (:func:`taking_part`). Measured on the dev
    set's two halves, refusing only on evidence against (every mention in a quotation, a place or an
    earlier event) let in more bystanders than it recovered participants on both halves, so parties
    keep this confirming test."""
    if taking_part(reading, spans, lede):
        return None
    return Reason.BACKGROUND_ONLY


def party_mentions(reading: Reading) -> dict[str, list[tuple[int, int]]]:
    """Canonical country (or listed body) -> where the article names it, outside flagged text."""
    found: dict[str, list[tuple[int, int]]] = {}
    for m in reading.country_mentions:
        found.setdefault(m.name, []).append((m.start, m.end))
    return found


def _is_country(name: str) -> bool:
    return name not in countries.BODY_NAMES
