"""The event: where the meeting was held, from the dateline or the first place something happened in."""

from __future__ import annotations

import re

from ..reading import Reading
from .context import is_place

_OPENING = 1200  # characters: a headline, a dateline and the opening paragraph


_DATELINE_END = re.compile(r"\s*[,:(\u2013\u2014-]")  # 'RABAT, Jan 17', 'NEW DELHI:', 'BEIJING (Reuters) -'


def _dated(reading: Reading, separator: re.Match[str]) -> bool:
    """What follows a place that opens the text makes it a dateline: a date after a comma ('Rabat, Jan 17
    -'), or a colon, bracket or dash; a headline's 'Vietnam, Philippines hold talks' is not one."""
    if "," not in separator.group(0):
        return True
    after = len(reading.text) - len(reading.text[separator.end() :].lstrip())
    return any(e.start == after for e in reading.analysis.of("DATE"))


def event_place(reading: Reading) -> str | None:
    """Where the meeting was held, as the article gives it: the dateline's place ('RABAT, Jan 17 –'),
    else the first place near the top that something happened in or at ('met in Rabat')."""
    for ent in reading.analysis.doc.ents:
        if ent.start_char >= _OPENING:
            break
        if ent.label_ not in ("GPE", "LOC", "FAC") or not reading.usable(ent.start_char, ent.end_char):
            continue
        line_start = reading.text.rfind("\n", 0, ent.start_char) + 1
        # A dateline's place opens the text, or opens a line in capitals ('BEIJING-UNS/AFP:'); a paragraph
        # that opens 'Beijing, however, ...' is not one.
        opens_line = not reading.text[line_start : ent.start_char].strip()
        dateline = opens_line and (ent.text.isupper() or not reading.text[: ent.start_char].strip())
        if dateline and (end := _DATELINE_END.match(reading.text, ent.end_char)) and (ent.text.isupper() or _dated(reading, end)):
            return ent.text
        if is_place(reading, ent.start_char, ent.end_char):
            return ent.text
    return None
