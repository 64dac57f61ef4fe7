"""Country names: 'US', 'U.S.', 'United States', 'American' -> 'United States', through country_converter.

country_converter (coco) matches names, short forms and codes with a maintained regex per country. It
does not know most demonyms ('American', 'Emirati', 'Chinese'): those it misses, and the bodies that act
as parties, are SpanRuler patterns whose id is the canonical name (``patterns/demonyms.json``,
``patterns/bodies.json``), looked up before coco. Everything here is cached: coco's regex scan costs
about a millisecond a name.

The mentions are read from the entities, not by a ruler over those patterns: coco's regexes know every
country in forms no phrase list holds, and a ruler would also find words the entity recogniser did not
take for a name.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from ..errors import BackendUnavailable
from . import patterns

if TYPE_CHECKING:
    from .nlp import Analysis

# Demonyms and adjectives country_converter 1.3.2 does not resolve, each to its canonical country.
_DEMONYMS = patterns.ids("demonyms")
# Bodies that act as parties, with the short forms articles use.
_BODIES = patterns.ids("bodies")
BODY_NAMES = frozenset(_BODIES.values())
_POSSESSIVE = re.compile(r"[’']s?$")


@cache
def _converter() -> Any:
    try:
        import country_converter as coco
    except ImportError:
        raise BackendUnavailable('country_converter is not installed; pip install "communique[nlp]"') from None
    logging.getLogger("country_converter").setLevel(logging.ERROR)  # it logs every name it does not know
    return coco.CountryConverter()


def _clean(name: str) -> str:
    name = " ".join(name.replace("\u00a0", " ").split()).strip(" .,;:")
    name = _POSSESSIVE.sub("", name)
    return name.removeprefix("the ").removeprefix("The ")


@cache
def canonical(name: str) -> str | None:
    """The canonical short name of the country (or listed body) ``name`` names, else None.
    'U.S.' -> 'United States'; 'Emirati' -> 'United Arab Emirates'; 'Latvian' -> 'Latvia'."""
    cleaned = _clean(name)
    if not cleaned or len(cleaned) < 2:
        return None
    key = cleaned.casefold()
    if key in _BODIES:
        return _BODIES[key]
    if key in _DEMONYMS:
        return _DEMONYMS[key]
    result = _converter().convert(cleaned, src="regex", to="name_short", not_found=None)
    if isinstance(result, list):  # several countries matched: ambiguous, not a country name
        return None
    if result is None or result == cleaned and key not in _known_names():
        return None
    return str(result)


@cache
def _known_names() -> frozenset[str]:
    data = _converter().data
    return frozenset(str(n).casefold() for n in data["name_short"]) | frozenset(str(n).casefold() for n in data["name_official"])


def same_party(a: str, b: str) -> bool:
    """Whether two names name the same country (or body): 'UAE' and 'Emirati' do."""
    ca, cb = canonical(a), canonical(b)
    return ca is not None and ca == cb


@dataclass(frozen=True)
class Mention:
    name: str  # canonical
    text: str  # as written
    start: int
    end: int


def mentions(analysis: Analysis) -> list[Mention]:
    """Every place the article names a country or listed body (GPE, NORP and ORG entities that
    country_converter resolves), canonical names attached."""
    found: list[Mention] = []
    for e in analysis.of("GPE", "NORP", "ORG", "LOC"):
        text = _POSSESSIVE.sub("", e.text.strip())
        lead = 0
        if text.casefold().startswith("the "):
            if e.label == "ORG":
                continue  # 'the Ministry of Defence of X' is a body of X, not X; X is its own entity
            lead, text = 4, text[4:]
        name = canonical(text)
        if name is None and e.label in ("GPE", "NORP", "ORG") and len(text.split()) > 1:
            # 'Indian Navy', 'India-Saudi Arabia Joint Committee': the leading word(s) may name countries
            first = text.split()[0]
            for part in first.split("-") if "-" in first else [first]:
                if (c := canonical(part)) is not None:
                    at = e.start + lead + text.index(part)
                    found.append(Mention(c, part, at, at + len(part)))
            continue
        if name is not None:
            found.append(Mention(name, text, e.start + lead, e.start + lead + len(text)))
    return found
