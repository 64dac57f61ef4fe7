"""The dates stage: event dates resolved against the article's own date (dateparser, the `nlp` extra)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from communique.reading import dates
from communique.reading.dates import article_date, find_event_date, resolve

needs_dateparser = pytest.mark.skipif(not dates._available(), reason="needs dateparser (the `nlp` extra)")

FRIDAY = date(2024, 5, 10)


def ok(raw: str | None, base: date | None = FRIDAY) -> str | None:
    iso, warning = resolve(raw, text="", base=base)
    assert warning is None, warning
    return iso


def dropped(raw: str | None, base: date | None = FRIDAY) -> str:
    iso, warning = resolve(raw, text="", base=base)
    assert iso is None and warning is not None, (iso, warning)
    return warning


def test_iso_dates_need_no_base_and_no_dateparser() -> None:
    assert ok("2023-01-17", base=None) == "2023-01-17"
    assert ok(" 2023-01-17 ", base=FRIDAY) == "2023-01-17"
    assert ok("2023-01-17T09:30:00+02:00", base=None) == "2023-01-17"


@needs_dateparser
@pytest.mark.parametrize(("raw", "iso"), [
    ("June 6, 2024", "2024-06-06"),
    ("21 Sep 2017", "2017-09-21"),
    ("Tuesday, June 4, 2024", "2024-06-04"),
    ("17 January 2023", "2023-01-17"),
])
def test_written_full_dates_keep_their_year(raw: str, iso: str) -> None:
    assert ok(raw, base=None) == iso
    assert ok(raw, base=FRIDAY) == iso  # the article's date does not move a full date


@needs_dateparser
@pytest.mark.parametrize(("raw", "base", "iso"), [
    ("March 18", FRIDAY, "2024-03-18"),  # earlier in the article's year
    ("July 31", FRIDAY, "2023-07-31"),  # 82 days ahead of 10 May: more than two months, so last July
    ("July 31", date(2024, 6, 10), "2024-07-31"),  # 51 days ahead: an announced meeting, same year
    ("Sept 20", date(2024, 6, 10), "2023-09-20"),  # 102 days ahead: last September
    ("December 30", date(2024, 1, 5), "2023-12-30"),  # the year rolls back
    ("14 May", FRIDAY, "2024-05-14"),  # four days ahead
    ("Feb 29", date(2025, 3, 1), "2024-02-29"),  # no 29 February in 2025
])
def test_partial_dates_take_the_article_year_under_the_two_month_rule(raw: str, base: date, iso: str) -> None:
    assert ok(raw, base=base) == iso


@needs_dateparser
@pytest.mark.parametrize("raw", ["July 31", "Sept 20", "December 30"])
def test_partial_date_without_base_is_dropped_as_year_unknown(raw: str) -> None:
    warning = dropped(raw, base=None)
    assert repr(raw) in warning and "no year" in warning and "unknown" in warning


@needs_dateparser
@pytest.mark.parametrize(("raw", "iso"), [
    ("Thursday", "2024-05-09"),
    ("on Wednesday", "2024-05-08"),
    ("Monday", "2024-05-06"),
    ("Saturday", "2024-05-04"),  # the most recent Saturday, not the next one
    ("Friday", "2024-05-10"),  # the article's own weekday: the same day
    ("last Tuesday", "2024-05-07"),
    ("yesterday", "2024-05-09"),
    ("today", "2024-05-10"),
    ("two days ago", "2024-05-08"),
])
def test_relative_dates_count_from_the_article_date(raw: str, iso: str) -> None:
    assert ok(raw, base=FRIDAY) == iso


@needs_dateparser
def test_weekday_follows_the_base() -> None:
    assert ok("Thursday", base=date(2023, 1, 17)) == "2023-01-12"  # a Tuesday base
    assert ok("Tuesday", base=date(2023, 1, 17)) == "2023-01-17"


@needs_dateparser
@pytest.mark.parametrize("raw", ["Thursday", "on Wednesday", "yesterday", "last Tuesday"])
def test_relative_date_without_base_is_dropped(raw: str) -> None:
    warning = dropped(raw, base=None)
    assert repr(raw) in warning and "relative" in warning


@needs_dateparser
@pytest.mark.parametrize(("raw", "base", "iso"), [
    ("June 4 to 5", date(2024, 6, 20), "2024-06-04"),
    ("June 4-5, 2024", None, "2024-06-04"),
    ("4–5 June 2024", None, "2024-06-04"),
    ("June 30 to July 2, 2024", None, "2024-06-30"),
    ("2024-06-04 to 2024-06-05", None, "2024-06-04"),
])
def test_ranges_give_their_first_day(raw: str, base: date | None, iso: str) -> None:
    assert ok(raw, base=base) == iso


@needs_dateparser
@pytest.mark.parametrize("raw", ["not specified", "unknown", "N/A", "banana", "the day of the summit"])
def test_garbage_is_dropped_with_a_warning_naming_it(raw: str) -> None:
    warning = dropped(raw)
    assert repr(raw) in warning and "not a date" in warning


@needs_dateparser
@pytest.mark.parametrize("raw", ["May 2024", "2023", "last week"])
def test_months_years_and_weeks_name_no_single_day(raw: str) -> None:
    assert "no single day" in dropped(raw)


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_no_value_and_no_date_in_the_text_is_no_date_and_no_warning(raw: str | None) -> None:
    assert resolve(raw, text="Ministers met in Rabat to talk about logistics.", base=FRIDAY) == (None, None)


@needs_dateparser
def test_no_value_falls_back_to_the_lead_of_the_text() -> None:
    text = "RABAT — The two ministers met on Thursday in Rabat.\n\nThey agreed to meet again on June 30, 2025."
    iso, warning = resolve(None, text=text, base=FRIDAY)
    assert iso == "2024-05-09"
    assert warning is not None and "'Thursday'" in warning  # the words search_dates keeps around it trimmed


def test_article_date_from_metadata_first() -> None:
    text = "June 6, 2024 — Ministers met."
    assert article_date(text, {"date": "2023-01-17"}) == date(2023, 1, 17)
    assert article_date(text, {"date": "2023-01-17T08:00:00+00:00"}) == date(2023, 1, 17)
    assert article_date(text, {"date": datetime(2022, 3, 4, 5, 6)}) == date(2022, 3, 4)
    assert article_date("Ministers met.", {"date": date(2021, 2, 3)}) == date(2021, 2, 3)


def test_article_date_from_the_iso_date_line(seed_text: str) -> None:
    assert seed_text.lstrip().startswith("date 2023-01-17")
    assert article_date(seed_text) == date(2023, 1, 17)
    assert article_date(seed_text, {"date": None, "title": "Rabat"}) == date(2023, 1, 17)


@needs_dateparser
@pytest.mark.parametrize(("text", "expected"), [
    ("LONDON, 21 Sep 2017 (Reuters) - Ministers met on Thursday.", date(2017, 9, 21)),
    ("Rabat talks\nJune 6, 2024\n\nThe two ministers met on Tuesday.", date(2024, 6, 6)),
    ("Published: Tuesday, 4 June 2024\nMinisters met.", date(2024, 6, 4)),
])
def test_article_date_from_a_written_dateline(text: str, expected: date) -> None:
    assert article_date(text) == expected
    assert article_date(text, {"date": "not a date"}) == expected  # unreadable metadata falls through


@needs_dateparser
def test_dateline_without_year_or_far_down_is_not_the_article_date() -> None:
    assert article_date("Kathmandu, April 9 (ANN): Nepal and India held talks on Thursday.") is None
    late = "Ministers met in Rabat. " * 10 + "The first accord was signed on June 6, 2019."
    assert late.index("June 6, 2019") > dates.HEAD_CHARS
    assert article_date(late) is None


def test_article_without_a_date() -> None:
    assert article_date("Ministers met in Rabat on Thursday to discuss logistics and training.") is None
    assert article_date("Ministers met in Rabat.", {}) is None


@needs_dateparser
def test_find_event_date(seed_text: str) -> None:
    assert find_event_date("Kathmandu, April 9 (ANN): Nepal and India held talks.", date(2024, 5, 10)) == "2024-04-09"
    assert find_event_date("Kathmandu, April 9 (ANN): Nepal and India held talks.", None) is None
    # "now", "second" and "may" are not dates; "Thursday" in the second paragraph is.
    text = "The ministers may now hold a second round.\n\nThey met on Thursday in Rabat.\n\nOn Friday they left."
    assert find_event_date(text, FRIDAY) == "2024-05-09"
    assert find_event_date(text, date(2024, 5, 9)) == "2024-05-09"  # a Thursday article: that same Thursday
    # Beyond the first two paragraphs nothing is searched.
    assert find_event_date("No date.\n\nStill none.\n\nThey met on Thursday.", FRIDAY) is None
    assert find_event_date(seed_text, article_date(seed_text)) == "2023-01-17"


def test_without_dateparser_only_iso_dates_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dates, "_available", lambda: False)
    assert ok("2023-01-17") == "2023-01-17"
    warning = dropped("Thursday")
    assert "'Thursday'" in warning and "dateparser" in warning
    assert resolve(None, text="They met on Thursday.", base=FRIDAY) == (None, None)
    assert article_date("date 2023-01-17 Ministers met.") == date(2023, 1, 17)
    assert article_date("June 6, 2024 Ministers met.") is None
