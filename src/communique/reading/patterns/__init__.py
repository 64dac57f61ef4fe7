"""spaCy patterns as data: one JSON file per concept in this folder, for a SpanRuler, a PhraseMatcher
or a Matcher.

A file is an object with two keys: ``"comment"``, lines saying which rule reads the patterns and how,
and ``"patterns"``, a list of patterns in spaCy's format (``{"label": ..., "pattern": ..., "id": ...}``,
as :meth:`spacy.pipeline.SpanRuler.add_patterns` takes them). A phrase pattern is a string; a token
pattern is a list of token specifications, and may name a word list of :mod:`..lexicon` instead of
spelling it out: ``{"LOWER": {"IN": "@leading_words"}}`` matches the words of ``lexicon/leading_words.txt``,
so each list is kept in one place.

The token patterns of :data:`TOKEN_FILES` make one :func:`matcher`, which
:class:`~communique.reading.Reading` runs over the article once (``Reading.matched``); a token
specification may read the case-folded lemma as ``{"_": {"folded_lemma": ...}}``.

The files are package data, read through :mod:`importlib.resources`, so they work from a built wheel.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .. import lexicon

if TYPE_CHECKING:
    from spacy.matcher import Matcher

_LIST = "@"


@cache
def _file(name: str) -> dict[str, Any]:
    data = json.loads(resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8"))
    if not data.get("comment") or not isinstance(data.get("patterns"), list):
        raise ValueError(f"patterns {name!r}: a file needs a 'comment' and a list of 'patterns'")
    return data


def comment(name: str) -> str:
    """What the file ``<name>.json`` says about the rule that reads it."""
    lines = _file(name)["comment"]
    return " ".join(lines) if isinstance(lines, list) else str(lines)


def load(name: str) -> list[dict[str, Any]]:
    """The patterns of ``<name>.json``, word lists named with ``@`` spelt out (sorted); a fresh copy."""
    return [_expand(p) for p in _file(name)["patterns"]]


def _expand(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _expand(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v) for v in value]
    if isinstance(value, str) and value.startswith(_LIST):
        return sorted(lexicon.words(value[len(_LIST) :]))
    return value


@cache
def ids(name: str) -> Mapping[str, str]:
    """Phrase pattern -> id, for a file of phrase patterns ('emirati' -> 'United Arab Emirates'). Read
    once; the mapping is read-only."""
    pairs: dict[str, str] = {}
    for p in _file(name)["patterns"]:
        if not isinstance(p["pattern"], str):
            raise ValueError(f"patterns {name!r}: {p['pattern']!r} is not a phrase pattern")
        if p["pattern"] in pairs:
            raise ValueError(f"patterns {name!r}: {p['pattern']!r} is listed twice")
        pairs[p["pattern"]] = p["id"]
    return MappingProxyType(pairs)


#: The files of token patterns :func:`matcher` reads, each a concept under its own labels.
TOKEN_FILES = ("leading_verbs", "meeting_verbs", "taking_part", "speech_verbs", "speech_subjects")


@cache
def matcher() -> Matcher:
    """One Matcher over the pipeline's vocabulary with the patterns of :data:`TOKEN_FILES`, under their
    labels."""
    from spacy.matcher import Matcher

    from .. import nlp

    found = Matcher(nlp.pipeline().vocab, validate=True)
    for name in TOKEN_FILES:
        by_label: dict[str, list[Any]] = {}
        for p in load(name):
            by_label.setdefault(p["label"], []).append(p["pattern"])
        for label, specs in by_label.items():
            found.add(label, specs)
    return found
