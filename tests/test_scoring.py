"""Plumbing: the eval scorer on hand-made predictions (DESIGN.md §5 rules)."""

from __future__ import annotations

import pytest

from communique.evaluation.scoring import name_similarity, normalise_name, score_case, token_f1
from communique.schema.v1 import Chair, Domain, DomainLabel, Party, Provenance, Quote, Summary

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
