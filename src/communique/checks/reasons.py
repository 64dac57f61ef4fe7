"""Why an answer of the model was refused: every reason a check or grounding gives, once.

Each member's value is the text reported in a summary's ``rejected`` list (``Rejection.reason``, a plain
string in the released schema): a :class:`Reason` is a ``str``, so it is written, compared and
serialised as that text. Changing a value changes the output; add a member rather than reword one.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    # -- any field: not in the article ------------------------------------------------------------
    NOT_NAMED = "not named in the article"
    INSIDE_ADDRESSED = "inside a sentence addressed to readers or tools"
    #: Only about an earlier event: a chair every mention of whom, or a field every mention of which, is
    #: in a sentence about another, earlier event.
    EARLIER_EVENT = "named only about another, earlier event"

    # -- parties ----------------------------------------------------------------------------------
    A_PERSON = "a person, not a state or organisation"
    BACKGROUND_ONLY = "named only as background, a place, a topic or another meeting, not as taking part"

    # -- chairs: a person's name ------------------------------------------------------------------
    NAME_NOT_IN_ARTICLE = "this name is not in the article"
    NAME_NOT_IN_USABLE_TEXT = "this name is not in the article (outside sentences addressed to readers or tools)"
    NOT_CAPITALISED = "not a person's name: its words do not start with capitals"
    CAPITALS_ONLY = "not a person's name: capitals only, as in a dateline"
    ENDS_IN_TITLE = "not a person's name: it ends in a title or rank"
    PART_OF_A_WORD = "not a person's name: part of a longer word"
    COMMON_WORD = "not a person's name: one common English word"
    NOT_SHOWN_A_PERSON = "not shown to be a person: no PERSON entity over the name and no title or rank before it"
    A_PLACE = "a place, not a person"
    AN_ORGANISATION = "an organisation, not a person"
    A_TITLE = "a title or office, not a person's name"
    A_COUNTRY = "a country, not a person"

    # -- chairs: a leading role -------------------------------------------------------------------
    ONLY_MET = "named only as the one met, visited or called on"
    ONLY_SPEAKER = "named only as the speaker of quotations"
    ONLY_REPORTED = "named only as saying something, in sentences that tell of no part in the meeting"
    NOT_SAID_TO_CHAIR = "the article does not say this person chaired or led the meeting"

    # -- fields of cooperation --------------------------------------------------------------------
    NOT_WORDED = "not worded in the article (or too general)"
    WORDING_NOT_IN_ARTICLE = "this wording is not in the article"
    PARTY_WORDS = "named only in a name, or in words for who takes part"
    UMBRELLA = "an umbrella over fields listed in their own right"

    # -- quotations -------------------------------------------------------------------------------
    NOT_VERBATIM = "not found verbatim in the article"
    SCARE_QUOTES = "a scare-quoted phrase, name or title, not a quotation of anyone"

    # -- internal ---------------------------------------------------------------------------------
    #: An empty answer: dropped without a report (the ``assisted`` strategy skips it).
    EMPTY = "empty"
    #: The fallback for a refusal a check gave no reason for; the checks always give one.
    REFUSED = "refused"
