"""Stage ``dates``: the event's date as an ISO date (YYYY-MM-DD), resolved against the article's own date.

Models copy dates the way articles write them: "Thursday", "on Wednesday", "July 31", "June 4 to 5",
"yesterday". :func:`resolve` turns such a value into an ISO date with dateparser (the ``nlp`` extra),
relative to the *article's date* (:func:`article_date`), or drops it with a short warning that names it.

The article's date is its publication date, and only a full date (day, month and year) counts:

1. ``metadata["date"]`` (an ISO date or datetime; HTML inputs put trafilatura's date there), else
2. the first full date in the first 200 characters of the text: a ``date 2023-01-17`` line, a dateline
   such as "21 Sep 2017" or "June 6, 2024". "Kathmandu, April 9 (ANN):" has no year, so it does not count.

Rules of :func:`resolve`:

* a full date (ISO, "June 6, 2024", "21 Sep 2017") is that date, with or without the article's date;
* a partial date ("July 31", "Sept 20") takes the article's year, unless that lands more than two months
  (62 days) after the article's date: then it is the previous year (the two-month rule: news reports
  past meetings and announces near ones, so "December 30" in an article of 5 January is last December);
  without the article's date its year is unknown and it is dropped;
* a relative date ("yesterday", "last Tuesday", "today") is counted from the article's date; a bare weekday
  ("Thursday", "on Wednesday") is the most recent such day on or before it (the same day when the article
  is dated on that weekday); without the article's date it is dropped;
* a range ("June 4 to 5", "4-5 June 2024", "June 30 to July 2, 2024") is its first day;
* a month, year or week ("May 2024", "last week") names no single day and is dropped, as is anything
  dateparser does not read ("not specified", "unknown");
* no value at all (None or blank): the first date in the text's first two paragraphs that resolves
  (:func:`find_event_date`), with a warning saying it came from the text; else no date and no warning.

dateparser runs with languages ["en"], RELATIVE_BASE = the article's date, PREFER_DATES_FROM "past" (news
reports past events) and STRICT_PARSING off; REQUIRE_PARTS tells full dates (day, month, year) from
partial ones (day, month), and reading a value against two different bases tells what is relative.

Without dateparser installed, ISO dates still pass and everything else is dropped with a warning.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

__all__ = ["article_date", "find_event_date", "resolve"]

# How far after the article's date a partial date may land before it is taken to be from the year before.
FUTURE_LIMIT = timedelta(days=62)
# How much of the text's start may hold the article's own date.
HEAD_CHARS = 200
# How much of the first two paragraphs find_event_date searches.
LEAD_CHARS = 1000

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday|rsday)?\.?"
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_RANGE_SEP = r"\s*(?:-|–|—|to|through|until|till|and|&)\s*"
_I = re.IGNORECASE

# "June 4-5", "June 4 to 5" -> "June 4"; "4-5 June" -> "4 June"
_MONTH_DAY_RANGE = re.compile(rf"\b({_MONTH}\s+\d{{1,2}}){_ORD}{_RANGE_SEP}\d{{1,2}}{_ORD}\b", _I)
_DAY_RANGE_MONTH = re.compile(rf"\b(\d{{1,2}}){_ORD}{_RANGE_SEP}\d{{1,2}}{_ORD}(\s+{_MONTH})", _I)
# Any other range: the part before the separator (hyphens only with spaces around, to keep ISO dates whole).
_RANGE_SPLIT = re.compile(r"\s+(?:to|through|until|till|and|&)\s+|\s*[–—]\s*|\s+-\s+", _I)
_HAS_YEAR = re.compile(rf"\b{_YEAR}\b")
_BARE_WEEKDAY = re.compile(rf"^(?:on\s+)?({_WEEKDAY})$", _I)
# Full dates as datelines write them.
_FULL_DATE = re.compile(
    rf"\b{_YEAR}-\d\d-\d\d\b"  # 2023-01-17
    rf"|\b\d{{1,2}}{_ORD}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b"  # 21 Sep 2017
    rf"|\b{_MONTH}\s+\d{{1,2}}{_ORD},?\s+{_YEAR}\b",  # June 6, 2024
    _I,
)
# What a date found by search_dates in running text must contain: search_dates also reads "now",
# "second" or "may" as dates.
_DATEISH = re.compile(rf"\b{_MONTH}\s*\d|\d{_ORD}\s+(?:of\s+)?{_MONTH}|\b{_WEEKDAY}\b|\b(?:yesterday|today)\b|\d{{4}}-\d\d-\d\d", _I)
_EDGE_WORDS = re.compile(r"^(?:(?:at|by|in|of|on|the)\s+)+|(?:\s+(?:and|at|by|for|in|of|on|the|to))+$", _I)
_PARAGRAPH = re.compile(r"\n\s*\n")
# Two article dates, different in year, month and day: what reads the same under both does not depend on it.
_PROBES = (date(2000, 1, 1), date(2010, 6, 15))


@cache
def _module(name: str) -> Any:
    """A dateparser module, or None when the ``nlp`` extra (dateparser) is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _available() -> bool:
    return _module("dateparser") is not None


def _settings(base: date | None, **extra: Any) -> dict[str, Any]:
    # Without the article's date, a fixed base: callers never keep a base-dependent result then.
    relative_base = datetime.combine(base or date(2000, 1, 1), datetime.min.time())
    return {"RELATIVE_BASE": relative_base, "PREFER_DATES_FROM": "past", "STRICT_PARSING": False,
            "RETURN_AS_TIMEZONE_AWARE": False, **extra}


def _parse(value: str, base: date | None, *parts: str) -> date | None:
    """dateparser's reading of ``value`` (requiring ``parts``), as a date."""
    settings = _settings(base, REQUIRE_PARTS=list(parts)) if parts else _settings(base)
    found = _module("dateparser").parse(value, languages=["en"], settings=settings)
    return found.date() if found is not None else None


def _iso(value: str) -> date | None:
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None


def _first_of_range(value: str) -> str:
    value = _MONTH_DAY_RANGE.sub(r"\1", value)
    value = _DAY_RANGE_MONTH.sub(r"\1\2", value)
    head = _RANGE_SPLIT.split(value, maxsplit=1)
    if len(head) == 2 and head[0]:
        year = _HAS_YEAR.findall(head[1])
        value = head[0] if _HAS_YEAR.search(head[0]) or not year else f"{head[0]}, {year[-1]}"
    return value


def _full_date(value: str) -> date | None:
    """A date with day, month and year written out, read the same whatever the article's date."""
    if (found := _iso(value)) is not None:
        return found
    if not _available():
        return None
    a, b = (_parse(value, base, "day", "month", "year") for base in _PROBES)
    return a if a is not None and a == b else None


def _same_year_or_before(month: int, day: int, base: date) -> date | None:
    for year in (base.year, base.year - 1):
        try:
            candidate = date(year, month, day)
        except ValueError:  # 29 February
            continue
        if candidate <= base + FUTURE_LIMIT:
            return candidate
    return None


def resolve(raw: str | None, *, text: str, base: date | None) -> tuple[str | None, str | None]:
    """The event date ``raw`` as an ISO date, with ``base`` (the article's date) for relative and partial
    dates: ``(iso, None)``, or ``(None, warning)`` when it cannot be a single day.

    With no value (None or blank), the first date in the text's first two paragraphs is taken instead
    (:func:`find_event_date`), with a warning that says so; ``(None, None)`` when there is none."""
    value = " ".join((raw or "").split()).strip(" .,;:()[]")
    if not value:
        found = _find_event_date(text, base) if text else None
        return (found[1], f"event date taken from the text: {found[0]!r}") if found else (None, None)
    if (iso := _iso(value)) is not None:
        return iso.isoformat(), None
    if not _available():
        return None, f"event date {raw!r} is not an ISO date and dateparser is not installed; dropped"
    value = _first_of_range(value)

    if (full := _full_date(value)) is not None:
        return full.isoformat(), None
    # Day and month without a year ("July 31", "Tuesday, 14 May"): the same day and month whatever the base.
    a, b = (_parse(value, base_, "day", "month") for base_ in _PROBES)
    if a is not None and b is not None and (a.month, a.day) == (b.month, b.day):
        if base is None:
            return None, f"event date {raw!r} has no year and the article's date is unknown; dropped"
        resolved = _same_year_or_before(a.month, a.day, base)
        if resolved is None:
            return None, f"event date {raw!r} is not a day of {base.year} or {base.year - 1}; dropped"
        return resolved.isoformat(), None
    return _relative(raw, value, base)


def _relative(raw: str | None, value: str, base: date | None) -> tuple[str | None, str | None]:
    """A date counted from the article's date: a bare weekday here, the rest ("last Tuesday") by dateparser."""
    unknown = f"event date {raw!r} is relative and the article's date is unknown; dropped"
    if weekday := _BARE_WEEKDAY.match(value):
        if base is None:
            return None, unknown
        wanted = next(i for i, name in enumerate(_WEEKDAYS) if name.startswith(weekday.group(1).lower().rstrip(".")[:3]))
        return (base - timedelta(days=(base.weekday() - wanted) % 7)).isoformat(), None
    data = _module("dateparser.date").DateDataParser(languages=["en"], settings=_settings(base)).get_date_data(value)
    if data.date_obj is None:
        return None, f"event date {raw!r} is not a date; dropped"
    if data.period != "day":
        return None, f"event date {raw!r} names no single day; dropped"
    if base is None:
        return None, unknown
    return str(data.date_obj.date().isoformat()), None


def article_date(text: str, metadata: Mapping[str, Any] | None = None) -> date | None:
    """The article's own (publication) date: ``metadata["date"]``, else the first full date (with a year)
    in the first 200 characters of the text; None when it has neither."""
    meta = (metadata or {}).get("date")
    if isinstance(meta, datetime):
        return meta.date()
    if isinstance(meta, date):
        return meta
    if isinstance(meta, str) and (found := _full_date(meta.strip())) is not None:
        return found
    for match in _FULL_DATE.finditer(text[:HEAD_CHARS]):
        if (found := _full_date(match.group(0))) is not None:
            return found
    return None


def _find_event_date(text: str, base: date | None) -> tuple[str, str] | None:
    if not _available():
        return None
    head = "\n\n".join(_PARAGRAPH.split(text.strip(), maxsplit=2)[:2])[:LEAD_CHARS]
    for found, _ in _module("dateparser.search").search_dates(head, languages=["en"], settings=_settings(base)) or []:
        expression = _EDGE_WORDS.sub("", str(found))  # search_dates keeps words around a date: "on Thursday in"
        if not _DATEISH.search(expression):
            continue
        iso, _warning = resolve(expression, text="", base=base)
        if iso is not None:
            return expression, iso
    return None


def find_event_date(text: str, base: date | None) -> str | None:
    """The first date in the text's first two paragraphs (at most 1,000 characters) that resolves to a day (against ``base``), as an
    ISO date; None when there is none. For when the model gives no date."""
    found = _find_event_date(text, base)
    return found[1] if found else None
