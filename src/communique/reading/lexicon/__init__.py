"""The word lists the rules read, as data: one plain-text file per concept in this folder.

A file holds one entry a line: a word or phrase, written as the rule compares it (mostly lower case).
Blank lines and lines starting with ``#`` are skipped; the comment lines at the top of each file say
which rules read the list and why. A line may pair its entry with a value after `` = `` (a demonym and
its country, a verb and its written forms): :func:`words` gives the entries, :func:`table` the pairs.

Each concept is listed once, and a rule that needs several joins their lists where it reads them
(reading/text.py TITLES: ranks, offices and honorifics). A word may still belong to several concepts
('note' is a notice and a verb of saying), and a stricter list may repeat words of a looser one
('ai_alone' of 'machines'): each file's comment says what it is for.
The files are package data, read through :mod:`importlib.resources`, so they work from a built wheel.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

_SEPARATOR = " = "


@cache
def table(name: str) -> Mapping[str, str]:
    """The entries of list ``name`` (``<name>.txt``) in file order, each with its value ('' if none).
    Read once; the mapping is read-only."""
    text = resources.files(__name__).joinpath(f"{name}.txt").read_text(encoding="utf-8")
    pairs: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        entry, _, value = line.partition(_SEPARATOR)
        if entry in pairs:
            raise ValueError(f"lexicon {name!r}: {entry!r} is listed twice")
        pairs[entry] = value
    return MappingProxyType(pairs)


@cache
def words(name: str) -> frozenset[str]:
    """The entries of list ``name`` (``<name>.txt``)."""
    return frozenset(table(name))
