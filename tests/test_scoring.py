"""Plumbing: the eval scorer on hand-made predictions (DESIGN.md §5 rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

from communique.evaluation.scoring import (
    SuiteScore, gold_span, name_similarity, normalise_name, score_case, span_overlap, token_f1,
)
from communique.schema.v1 import Chair, Domain, DomainLabel, Party, Provenance, Quote, Span, Summary
from conftest import ROOT

ARTICLE = 'Wang Yi met Ali. "We agree on trade," Wang Yi said. Gen. Ali chaired.'
PROV = Provenance(prompt_id="p", prompt_version="1", prompt_hash="h", backend="b", model="m",
                  article_sha256="0", communique_version="0")


def summary(**fields: object) -> Summary:
    return Summary(provenance=PROV, **fields)  # type: ignore[arg-type]


GOLD = {
    "parties": [{"name": "China", "aliases": ["People's Republic of China"]}, {"name": "Iran", "aliases": []}],
    "chairs": [{"name": "Wang Yi", "aliases": []}],
    "domains": [{"label": "trade", "wording": "trade"}, {"label": "energy", "wording": "oil", "optional": True}],
    "quotes": [{"text": "We agree on trade,", "speakers": ["Wang Yi", "Chinese Foreign Minister"]}],
}


def test_normalisation_and_names() -> None:
    assert normalise_name("General  Doukur Darmy") == "doukur darmy"
    assert normalise_name("The Moroccan army") == "moroccan army"
    assert name_similarity("Wang", ["Wang Yi"]) == 0, "never a substring match"
    assert name_similarity("Wang Yi", ["wang yi"]) == 100
    assert name_similarity("Doukur Darmi", ["Doukur Darmy"]) == 0, "last token differs"
    assert name_similarity("Abdellatif Loudiyi", ["Abdelatif Loudiyi"]) >= 92
    assert name_similarity("People’s Republic of China", ["People's Republic of China"]) == 100
    assert token_f1("We agree on trade,", "we agree on trade") == 1.0


def test_perfect_prediction() -> None:
    s = summary(
        parties=[Party(name="People's Republic of China"), Party(name="Iran")],
        chairs=[Chair(name="Wang Yi")],
        domains=[Domain(label=DomainLabel.trade, wording="trade")],
        quotes=[Quote(text="We agree on trade,", speaker="Wang Yi")],
    )
    score = score_case("c", ARTICLE, GOLD, s)
    assert {f: v.f1 for f, v in score.fields.items()} == {
        "parties": 1.0, "chairs": 1.0, "domains": 1.0, "quotes": 1.0, "quotes_e2e": 1.0}
    assert score.verbatim == 1 and score.invented_chairs == []


def test_empty_prediction_and_empty_gold() -> None:
    score = score_case("c", ARTICLE, GOLD, summary())
    assert score.fields["parties"].recall == 0 and score.fields["parties"].fn == 2
    empty = score_case("c", ARTICLE, {"parties": [], "chairs": [], "domains": [], "quotes": []}, summary())
    assert all(v.f1 == 1.0 for v in empty.fields.values()), "empty predicted empty is correct"


def test_duplicates_near_misses_optional_and_invented() -> None:
    s = summary(
        parties=[Party(name="China"), Party(name="China"), Party(name="Wang")],
        chairs=[Chair(name="Wang"), Chair(name="Emmanuel Macron")],
        domains=[Domain(label=DomainLabel.trade, wording="trade"), Domain(label=DomainLabel.energy, wording="oil")],
        quotes=[Quote(text="We agree on trade,", speaker="Ali")],
    )
    score = score_case("c", ARTICLE, GOLD, s)
    p = score.fields["parties"]
    assert (p.tp, p.fp, p.fn) == (1, 2, 1), "a duplicate is paired once"
    c = score.fields["chairs"]
    assert (c.tp, c.fp, c.fn) == (0, 2, 1), "'Wang' is not 'Wang Yi'"
    assert score.invented_chairs == ["Emmanuel Macron"]
    d = score.fields["domains"]
    assert (d.tp, d.fp, d.fn) == (1, 0, 0), "optional gold neither rewarded nor punished"
    assert score.fields["quotes"].f1 == 1.0 and score.fields["quotes_e2e"].f1 == 0.0
    assert (score.attribution_right, score.attribution_total) == (0, 1)


def test_alias_hit_and_removed_alias_miss() -> None:
    s = summary(quotes=[Quote(text="We agree on trade", speaker="Chinese Foreign Minister")])
    assert score_case("c", ARTICLE, GOLD, s).fields["quotes_e2e"].f1 == 1.0
    fewer = {**GOLD, "quotes": [{"text": "We agree on trade,", "speakers": ["Wang Yi"]}]}
    assert score_case("c", ARTICLE, fewer, s).fields["quotes_e2e"].f1 == 0.0


def test_quote_near_miss_below_token_f1_threshold() -> None:
    s = summary(quotes=[Quote(text="We agree", speaker="Wang Yi")])
    score = score_case("c", ARTICLE, GOLD, s)
    assert score.fields["quotes"].tp == 0 and score.fields["quotes"].fp == 1
    assert score.verbatim == 1


@pytest.mark.parametrize("chairs, invented", [([], []), ([Chair(name="Ali")], ["Ali"])])
def test_chairs_where_gold_has_none_are_invented(chairs: list[Chair], invented: list[str]) -> None:
    score = score_case("c", ARTICLE, {**GOLD, "chairs": []}, summary(chairs=chairs))
    assert score.invented_chairs == invented


# -- open-vocabulary domains (the dev set) ----------------------------------------------------------

OPEN_DOMAINS = {
    "domains": [
        {"label": "drug trafficking", "aliases": ["narcotics trafficking"]},
        {"label": "counter-terrorism", "aliases": []},
        {"label": "fisheries", "aliases": ["fishing"]},
        {"label": "port security", "aliases": [], "optional": True},
    ],
}


def test_open_vocabulary_domains_match_by_wording_or_label() -> None:
    s = summary(domains=[
        Domain(label=DomainLabel.other, wording="narcotics trafficking"),  # wording = a gold alias
        Domain(label=DomainLabel.counter_terrorism, wording="fight against extremism"),  # label, "_" as " "
        Domain(label=DomainLabel.maritime_security, wording="port security"),  # optional: neither
        Domain(label=DomainLabel.trade, wording="trafficking"),  # no substring match
    ])
    d = score_case("c", ARTICLE, OPEN_DOMAINS, s).fields["domains"]
    assert (d.tp, d.fp, d.fn) == (2, 1, 1)
    assert d.missed == ["fisheries"] and d.extra == ["trade (trafficking)"]


def test_every_prediction_matching_an_optional_item_is_neither_true_nor_false_positive() -> None:
    gold = {"domains": [
        {"label": "energy", "aliases": []},
        {"label": "trade and investment", "aliases": ["trade", "investment"], "optional": True},
    ]}
    s = summary(domains=[
        Domain(label=DomainLabel.energy, wording="energy"),
        Domain(label=DomainLabel.trade, wording="trade"),  # pairs with the optional item
        Domain(label=DomainLabel.investment, wording="investment"),  # matches it too: still neither
        Domain(label=DomainLabel.other, wording="tourism"),  # matches nothing: a false positive
    ])
    d = score_case("c", ARTICLE, gold, s).fields["domains"]
    assert (d.tp, d.fp, d.fn) == (1, 1, 0)
    assert d.extra == ["other (tourism)"]
    # A second wording of a required item is still a false positive: pairs are one-to-one.
    twice = summary(domains=[Domain(label=DomainLabel.energy, wording="energy"), Domain(label=DomainLabel.other, wording="energy")])
    assert score_case("c", ARTICLE, {"domains": [{"label": "energy", "aliases": []}]}, twice).fields["domains"].fp == 1


def test_controlled_domain_rules_unchanged() -> None:
    gold = {"domains": [{"label": "procurement", "wording": "acquisition of equipment", "also": ["defense_industry"]}]}
    hit = score_case("c", ARTICLE, gold, summary(domains=[Domain(label=DomainLabel.defense_industry, wording="arms")]))
    assert hit.fields["domains"].tp == 1, "a label in `also` still matches"
    miss = score_case("c", ARTICLE, gold, summary(domains=[Domain(label=DomainLabel.training, wording="drills")]))
    assert (miss.fields["domains"].tp, miss.fields["domains"].fp, miss.fields["domains"].fn) == (0, 1, 1)


# -- quote spans and the speaker confusion table ----------------------------------------------------

SPAN_ARTICLE = 'Kessel said: \u201cWe will patrol together,\u201d and Varga  called it "frank  and useful". Later: "gone".'
SPAN_GOLD = {
    "quotes": [
        {"text": "We will patrol together,", "speakers": ["Ana Kessel", "Kessel"]},
        {"text": "frank and useful", "speakers": ["Tomas Varga", "Varga"]},  # two spaces in the article
        {"text": "never said in the article", "speakers": ["Ana Kessel"]},
        {"text": "gone", "speakers": ["Varga"], "optional": True},
    ],
}


def quote_at(text: str, start: int, end: int, speaker: str | None) -> Quote:
    return Quote(text=text, speaker=speaker, span=Span(start=start, end=end, text=SPAN_ARTICLE[start:end]))


def test_gold_span_exact_then_normalised_else_none() -> None:
    assert gold_span("abc abc", "abc") == (0, 3), "the first occurrence"
    start, end = gold_span(SPAN_ARTICLE, "frank and useful")  # type: ignore[misc]
    assert SPAN_ARTICLE[start:end] == "frank  and useful"
    curly = "the \u2018road\u2019 plan"
    start, end = gold_span(f"On {curly}.", "the 'road' plan")  # type: ignore[misc]
    assert f"On {curly}."[start:end] == curly
    assert gold_span(SPAN_ARTICLE, "never said in the article") is None
    assert gold_span(SPAN_ARTICLE, "FRANK and useful") is None, "case is not normalised"


def test_span_overlap_needs_half_of_the_shorter() -> None:
    assert span_overlap((0, 10), (5, 20)) > 0, "5 shared of the shorter 10"
    assert span_overlap((0, 10), (6, 20)) == 0, "4 shared of the shorter 10"
    assert span_overlap((0, 4), (4, 8)) == 0, "touching ranges share nothing"
    assert span_overlap((3, 7), (0, 30)) > 0, "a range inside a longer one"


def test_exact_and_overlap_span_figures() -> None:
    a = SPAN_ARTICLE.index("We will")
    b = SPAN_ARTICLE.index("frank")
    g = SPAN_ARTICLE.index("gone")
    s = summary(quotes=[
        quote_at("We will patrol together,", a, a + len("We will patrol together,"), "Kessel"),  # exact
        quote_at("frank and useful", b + 7, b + len("frank  and useful"), None),  # "and useful": overlap only
        Quote(text="never said in the article", speaker="Ana Kessel"),  # its gold has no span: left out
        quote_at("gone", g, g + 4, "Varga"),  # optional gold: neither
    ])
    score = score_case("c", SPAN_ARTICLE, SPAN_GOLD, s)
    exact, overlap = score.spans["exact"], score.spans["overlap"]
    assert (exact.tp, exact.fp, exact.fn) == (1, 1, 1)
    assert (overlap.tp, overlap.fp, overlap.fn) == (2, 0, 0)
    assert score.unlocated == ["never said in the article"]

    no_span = score_case("c", SPAN_ARTICLE, SPAN_GOLD, summary(quotes=[Quote(text="We will patrol together,", speaker="Kessel")]))
    assert (no_span.spans["exact"].tp, no_span.spans["exact"].fp, no_span.spans["exact"].fn) == (0, 1, 2), \
        "a predicted quote with no span is a false positive"

    totals = SuiteScore([score, no_span]).totals()["spans"]
    assert (totals["exact"]["tp"], totals["exact"]["fp"], totals["exact"]["fn"]) == (1, 2, 3)
    assert (totals["overlap"]["tp"], totals["overlap"]["fp"], totals["overlap"]["fn"]) == (2, 1, 2)
    assert totals["unlocated"] == 2


def test_speaker_confusion_table() -> None:
    a = SPAN_ARTICLE.index("We will")
    s = summary(quotes=[
        quote_at("We will patrol together,", a, a + 24, "Kessel"),
        Quote(text="frank and useful", speaker=None),
        Quote(text="never said in the article", speaker="Tomas Varga"),
        Quote(text="gone", speaker="Somebody"),  # optional: not in the table
    ])
    score = score_case("c", SPAN_ARTICLE, SPAN_GOLD, s)
    rows = score.as_dict()["speaker_confusion"]
    assert sorted((r["gold"], r["predicted"], r["right"], r["count"]) for r in rows) == [
        ("Ana Kessel", "Kessel", True, 1),
        ("Ana Kessel", "Tomas Varga", False, 1),
        ("Tomas Varga", "\u2014", False, 1),
    ]
    totals = SuiteScore([score, score]).totals()["speaker_confusion"]
    assert {(r["gold"], r["predicted"]): r["count"] for r in totals}[("Ana Kessel", "Kessel")] == 2


def test_each_prompt_version_gates_against_its_own_baseline_by_default(tmp_path: Path) -> None:
    """A folder that keeps a baseline per version (evals/ does for v3 and v4) gates each version
    against its own; a folder with only baseline.json uses it for every version."""
    from communique.evaluation.suite import default_baseline

    (tmp_path / "baseline.json").write_text("{}", encoding="utf-8")
    (tmp_path / "baseline.v4.json").write_text("{}", encoding="utf-8")
    assert default_baseline(tmp_path, "4") == tmp_path / "baseline.v4.json"
    assert default_baseline(tmp_path, "2") == tmp_path / "baseline.json"
    assert default_baseline(ROOT / "evals", "3") == ROOT / "evals" / "baseline.v3.json"
