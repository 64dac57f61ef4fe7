"""spaCy patterns as data (communique.reading.patterns)."""

from __future__ import annotations

from importlib import resources

import pytest

from communique.reading import lexicon, patterns

FILES = sorted(p.name.removesuffix(".json") for p in resources.files(patterns.__name__).iterdir() if p.name.endswith(".json"))


def test_there_are_pattern_files() -> None:
    assert {"demonyms", "bodies"} <= set(FILES)


@pytest.mark.parametrize("name", FILES)
def test_each_file_says_which_rule_reads_it(name: str) -> None:
    assert ".py" in patterns.comment(name)
    found = patterns.load(name)
    assert found and all({"label", "pattern"} <= set(p) for p in found)


def test_word_lists_are_named_not_copied() -> None:
    assert patterns.load("demonyms") == patterns.load("demonyms")
    assert patterns.load("demonyms") is not patterns.load("demonyms")  # a fresh copy to hand to spaCy


def test_phrase_patterns_carry_their_canonical_name_as_id() -> None:
    assert patterns.ids("demonyms")["emirati"] == "United Arab Emirates"
    assert patterns.ids("bodies")["eu"] == "European Union"
    with pytest.raises(TypeError):
        patterns.ids("bodies")["eu"] = "x"  # type: ignore[index]
    for name in ("demonyms", "bodies"):
        assert all(k == k.casefold() and k == k.strip() for k in patterns.ids(name))


def test_ids_are_the_names_the_converter_gives() -> None:
    countries = pytest.importorskip("communique.reading.countries")
    pytest.importorskip("country_converter")
    for name in set(patterns.ids("demonyms").values()):
        assert countries.canonical(name) == name


def test_a_span_ruler_reads_the_country_patterns() -> None:
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("span_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(patterns.load("demonyms") + patterns.load("bodies"))
    doc = nlp("Emirati and South Korean officials met NATO staff.")
    assert [(s.text, s.label_, s.id_) for s in doc.spans["ruler"]] == [
        ("Emirati", "COUNTRY", "United Arab Emirates"), ("South Korean", "COUNTRY", "South Korea"), ("Korean", "COUNTRY", "South Korea"),
        ("NATO", "BODY", "NATO")]


def test_lexicon_lists_named_in_patterns_exist() -> None:
    for name in FILES:
        text = resources.files(patterns.__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")
        for ref in {part.split('"')[0] for part in text.split('"@')[1:]}:
            assert lexicon.words(ref)


def test_the_reading_matches_the_token_patterns_once() -> None:
    pytest.importorskip("spacy")
    from communique.reading import read

    text = "Ana Ruiz chaired the talks. \u201cWe agree,\u201d she said, according to the statement."
    reading = read(text)
    doc = reading.analysis.doc
    assert [doc[i].text for i in reading.matched("LEADING", 0, len(doc))] == ["chaired"]
    assert "said" in [doc[i].text for i in reading.matched("SPEECH_VERB", 0, len(doc))]
    assert [doc[i].text for i in reading.matched("ACCORDING_TO", 0, len(doc))] == ["according"]
    assert reading.matched("LEADING", 3, len(doc)) == []
    assert "agree" in [doc[i].text for i in reading.matched("TAKING_PART", 0, len(doc))]  # in the quotation too
