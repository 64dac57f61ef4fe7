"""Text helpers every stage uses: comparing strings as the article writes them (case, quotation marks,
dashes and whitespace unified, with a map back to the original offsets), splitting a title off a name,
and the titles, ranks and roles written around names.

The words themselves are data (:mod:`communique.reading.lexicon`): ranks, offices and honorifics, each
listed once and joined here into the one list of titles (:data:`TITLES`). Two readers take part of it:
the scorer ignores ranks and honorifics only, and the people hints a selection of the titles
(``lexicon/hint_titles.txt``, in :mod:`communique.checks.names`).
"""

from __future__ import annotations

import re
import unicodedata

from . import lexicon

_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
        "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ",
    }
)


def normalise_with_map(text: str) -> tuple[str, list[int]]:
    """Case-folded text with quote marks, dashes and whitespace unified, and for each of its characters
    the offset of the original character it came from."""
    out: list[str] = []
    index: list[int] = []
    in_space = False
    for i, ch in enumerate(text):
        ch = unicodedata.normalize("NFKC", ch).translate(_QUOTES)
        if ch.isspace():
            if not in_space and out:
                out.append(" ")
                index.append(i)
            in_space = True
            continue
        in_space = False
        for c in ch.casefold():
            out.append(c)
            index.append(i)
    if out and out[-1] == " ":
        out.pop()
        index.pop()
    return "".join(out), index


def cuts_a_word(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` begins or ends inside a word: a letter or digit just inside and just outside
    an edge (a name cut short, aligned to the start of the whole name)."""
    return (0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum()
            or 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum())


def normalise(text: str) -> str:
    return normalise_with_map(text)[0]


# -- titles, ranks and roles ------------------------------------------------------------------------

#: Honorifics, the forms of address before a name ('Mr', 'Shri', 'His Excellency'; ``lexicon/honorifics.txt``):
#: written between an office and a name ('Saudi Energy Minister Prince Abdulaziz'), not part of the office.
HONORIFICS = lexicon.words("honorifics")

#: Military and police ranks ('Gen.', 'Rear Admiral', 'Cmde'; ``lexicon/ranks.txt``).
RANKS = lexicon.words("ranks")

#: Words that are titles, not names: ranks, offices and honorifics (``lexicon/ranks.txt``,
#: ``offices.txt``, ``honorifics.txt``). :func:`split_title` moves them from the front of a name to its
#: title (grounding, every prompt version; prompt v2's chairs). Prompt v3 and later (``assisted``,
#: :mod:`communique.checks`): stripped from the front of a person's name, even where spaCy tags the
#: whole phrase as a person; ignored when two people's names are compared; a name or speaker whose
#: last word is one names an office, not a person.
TITLES = RANKS | lexicon.words("offices") | HONORIFICS

#: Prompt v2 (``decomposed``): how a phrase that names an office rather than a person begins
#: ('Inspector General of the Royal Armed Forces'); heads of offices, not honorifics ('Mr') or most
#: ranks. A pattern, not a word set: 'spokes\w+' is spokesman, spokeswoman and spokesperson.
TITLE_HEADS = re.compile(
    r"^(?:the\s+)?(?:inspector|director|chief|head|commander|secretary|minister|president|chair|ambassador|"
    r"deputy|general|spokes\w+)\b", re.I
)

#: Speech cues (``candidates``, prompts v2 and v3): the last word of an all-lower-case cue subject that
#: still names a speaker ('the ministry said', 'officials said'): bodies, roles and documents
#: (``lexicon/speaker_nouns.txt``; a few titles and heads of bodies, not all: 'the meeting said' names
#: no speaker).
ROLE_NOUNS = lexicon.words("speaker_nouns")


#: What :func:`split_title` moves off the front of a name: a title, or 'the' before one.
_LEADING = TITLES | {"the"}


def split_title(name: str) -> tuple[str, str]:
    """'General Doukur Darmy' -> ('Doukur Darmy', 'General')."""
    words = name.split()
    cut = 0
    while cut < len(words) - 1 and words[cut].strip(".,").casefold() in _LEADING:
        cut += 1
    if not words[cut:] or not words[cut][:1].isupper():  # 'Inspector General of the ...' is an office
        return name, ""
    return " ".join(words[cut:]), " ".join(words[:cut])
