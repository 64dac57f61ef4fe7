"""Plumbing: the chair check, on made-up sentences. A chair the model names stands unless the article
shows it is wrong: not in the article, not a person, only the one met or visited, or only about an
earlier event, or only the speaker of quotations (unless the article gives their office, in the plural, to
those who met). The sentences below are written here, in phrasings the rules were not written for; none
of them appears in the package's code (checked at the end)."""

from __future__ import annotations

from pathlib import Path

import pytest

from communique.checks import chairs
from communique.strategies import assisted
from communique.reading import flagged_spans
from communique.reading import nlp
from communique.reading import Reading

ARTICLE = (
    "VALLETTA, May 3 \u2014 Presidents Ana Moraes of Brazil and Jorge Vidal of Chile agreed today to widen "
    "trade under their Agreement Concerning Maritime Cooperation.\n\n"
    "National security advisers Omar Haddad and Lena Fischer held a virtual meeting on Tuesday.\n\n"
    "Defence ministers Piotr Nowak and Karel Dvorak gathered in Prague for the annual review.\n\n"
    "Haddad later called on President Samir Aziz at his palace.\n\n"
    "\u201cWe are ready to sign,\u201d said spokesman Tom Reyes.\n\n"
    "The ministers agreed to meet again in June. \u201cWe will be back,\u201d said trade minister Rui Lemos.\n\n"
    "In 2015, minister Clara Ortiz signed a first accord on fisheries.\n\n"
    "The talks were followed by State Councilor Wu Fang, reported the Baltic Wire."
)


def reading(text: str, year: int | None = None) -> Reading:
    analysis = nlp.analyse(text)
    return Reading(text, analysis, flagged_spans(analysis), year)


@pytest.fixture(scope="module")
def article() -> Reading:
    return reading(ARTICLE, year=2024)


#: Heads of side whose sentence has none of the words of chairing or meeting: the model's answer stands.
@pytest.mark.parametrize("name", ["Ana Moraes", "Jorge Vidal", "Omar Haddad", "Lena Fischer", "Piotr Nowak", "Karel Dvorak", "Rui Lemos"])
def test_heads_of_side_named_by_the_model_stand(article: Reading, name: str) -> None:
    chair, why = chairs.check_chair(article, name, [])
    assert why is None and chair is not None and chair.name == name


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("Concerning Maritime Cooperation", "person"),  # words of an agreement's name
        ("VALLETTA", "person"),  # a dateline
        ("State Councilor", "person"),  # an office without a name
        ("Baltic Wire", "person"),  # a news agency
        ("Samir Aziz", "the one met"),
        ("Tom Reyes", "speaker of quotations"),
        ("Clara Ortiz", "earlier event"),
        ("Maria Santos", "not in the article"),
    ],
)
def test_answers_the_article_shows_to_be_wrong_are_refused(article: Reading, answer: str, reason: str) -> None:
    chair, why = chairs.check_chair(article, answer, [])
    assert chair is None, answer
    assert why is not None and reason in why, why


def test_a_name_with_a_title_before_it_is_a_person_even_where_the_parser_misses_it(article: Reading) -> None:
    chair, why = chairs.check_chair(article, "Wu Fang", [])
    assert why is None and chair is not None and chair.name == "Wu Fang"


def test_no_sentence_of_these_tests_is_in_the_package() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (Path(assisted.__file__).parent.parent).rglob("*.py"))
    for sentence in ARTICLE.split("\n\n"):
        for phrase in (sentence[:40], sentence[-40:]):
            assert phrase not in source, phrase
