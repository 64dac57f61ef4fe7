"""Text helpers every stage uses: comparing strings as the article writes them (case, quotation marks,
dashes and whitespace unified, with a map back to the original offsets), splitting a title off a name,
and the word lists of titles, ranks and roles.

The word lists are kept side by side here, not merged: each serves one decision and was tuned on its
own, so they differ on purpose (see the comment above each). A word added to one is not thereby added
to another; change the list of the decision you mean to change.
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


def normalise(text: str) -> str:
    return normalise_with_map(text)[0]


# -- titles, ranks and roles ------------------------------------------------------------------------

#: Words that are titles or ranks, not names. :func:`split_title` moves them from the front of a name to
#: its title (grounding, for every prompt version; prompt v2's chairs). Prompt v3 (``assisted``) reads
#: them together with RANKS: a leading one is stripped from a person's name even where spaCy tags the
#: whole phrase as a person, and a speaker whose last word is one names an office, not a person.
TITLE_WORDS = {
    "general", "gen", "lieutenant", "lt", "colonel", "col", "major", "maj", "admiral", "adm", "brigadier",
    "commander", "captain", "capt", "marshal", "minister", "president", "prime", "director", "secretary",
    "ambassador", "chairman", "chair", "inspector", "chief", "deputy", "head", "king", "queen", "prince",
    "sheikh", "mr", "mrs", "ms", "dr", "prof", "sir", "dame", "his", "her", "excellency", "the",
}

#: Prompt v3 (``assisted``) only: the ranks, honorifics and short forms its articles write before names
#: ('Cmde', 'VAdm', 'Shri', 'FM', 'Premier', 'Chairperson'): stripped from names, ignored when two names
#: are compared, and read together with TITLE_WORDS in the two decisions described above.
RANKS = {"cmde", "vadm", "radm", "rear", "vice", "adm", "lt", "gen", "col", "brig", "maj", "capt", "cdr", "sgt", "shri",
         "smt", "mr", "mrs", "ms", "dr", "prof", "hon", "premier", "vice-premier", "fm", "chairperson",
         "councilor", "councillor", "envoy", "governor", "commissioner", "chancellor", "spokesperson", "spokesman", "spokeswoman",
         "adviser", "advisor"}

#: Honorifics written between an office and a name ('Saudi Energy Minister Prince Abdulaziz'): not
#: part of the office.
HONORIFICS = {"prince", "princess", "sheikh", "sheikha", "mr", "mrs", "ms", "dr", "prof", "sir", "dame", "shri", "smt",
              "hon", "his", "her", "excellency"}

#: Prompt v2 (``decomposed``): how a phrase that names an office rather than a person begins
#: ('Inspector General of the Royal Armed Forces'); heads of offices, not honorifics ('Mr') or most
#: ranks. A pattern, not a word set: 'spokes\w+' is spokesman, spokeswoman and spokesperson.
TITLE_HEADS = re.compile(
    r"^(?:the\s+)?(?:inspector|director|chief|head|commander|secretary|minister|president|chair|ambassador|"
    r"deputy|general|spokes\w+)\b", re.I
)

#: Speech cues (``candidates``, prompts v2 and v3): the last word of an all-lower-case cue subject that
#: still names a speaker ('the ministry said', 'officials said'): bodies, roles and documents
#: (``lexicon/speaker_nouns.txt``).
ROLE_NOUNS = lexicon.words("speaker_nouns")


def split_title(name: str) -> tuple[str, str]:
    """'General Doukur Darmy' -> ('Doukur Darmy', 'General')."""
    words = name.split()
    cut = 0
    while cut < len(words) - 1 and words[cut].strip(".,").casefold() in TITLE_WORDS:
        cut += 1
    if not words[cut:] or not words[cut][:1].isupper():  # 'Inspector General of the ...' is an office
        return name, ""
    return " ".join(words[cut:]), " ".join(words[:cut])
