"""Plumbing: aligning model answers to the article, and rejecting what is not in it."""

from __future__ import annotations

from communique.pipeline.drafts import Draft, DraftChair, DraftDomain, DraftEvent, DraftParty, DraftQuote
from communique.pipeline.grounding import Grounder, ground, limit_sentences
from communique.reading.text import normalise_with_map, split_title
from communique.schema.v1 import Alignment, QuoteKind
from communique.strategies.unassisted import review


def test_normalise_keeps_a_map_to_original_offsets() -> None:
    text = "Morocco’s  “General”\nDarmy"
    norm, index = normalise_with_map(text)
    assert norm == 'morocco\'s "general" darmy'
    assert text[index[norm.index("darmy")]:].startswith("Darmy")
    assert len(norm) == len(index)


def test_locate_exact_normalised_fuzzy() -> None:
    article = "Morocco’s General Doukur Darmy chaired the meeting in Rabat."
    g = Grounder(article)
    exact = g.locate("Doukur Darmy")
    assert exact and exact.alignment == Alignment.exact and article[exact.start:exact.end] == "Doukur Darmy"
    norm = g.locate("morocco's general")  # straight apostrophe, lower case
    assert norm and norm.alignment == Alignment.normalised and norm.text == "Morocco’s General"
    fuzzy = g.locate("Doukur Darmi chaired")
    assert fuzzy and fuzzy.alignment == Alignment.fuzzy and "Darmy" in fuzzy.text
    assert g.locate("Benjamin Netanyahu") is None


def test_find_all_respects_word_boundaries() -> None:
    g = Grounder("Wang Yi met Wangari. Wang Yi spoke.")
    assert [s.start for s in g.find_all("Wang Yi")] == [0, 21]
    assert g.find_all("Wang")[0].start == 0 and len(g.find_all("Wang")) == 2


def test_split_title_and_sentence_limit() -> None:
    assert split_title("General Doukur Darmy") == ("Doukur Darmy", "General")
    assert split_title("Dror Shalom") == ("Dror Shalom", "")
    assert limit_sentences("One. Two! Three? Four.") == "One. Two! Three?"


def test_ground_keeps_grounded_and_reports_rejected(seed_text: str) -> None:
    draft = Draft(
        parties=[DraftParty(name="Israel"), DraftParty(name="Morocco"), DraftParty(name="France")],
        chairs=[
            DraftChair(name="General Doukur Darmy", party="Morocco"),
            DraftChair(name="Dror Shalom", title="Director of the Office of Political-Military Affairs", party="Israel"),
            DraftChair(name="Not specified"),
        ],
        domains=[
            DraftDomain(label="intelligence", wording="intelligence"),
            DraftDomain(label="logistics", wording="logistics"),
            DraftDomain(label="space", wording="space exploration"),
        ],
        quotes=[
            DraftQuote(text="Cooperation is expected to continue expanding in the future in the face of common challenges.",
                       speaker="Israel's Defense Ministry"),
            DraftQuote(text="carrying common interests and based on trust and mutual support", speaker="Doukur Darmy"),
            DraftQuote(text="We will conquer the moon together", speaker="Dror Shalom"),
        ],
        event=DraftEvent(kind="meeting", date="2023-01-17", location="Rabat"),
        summary="Israel and Morocco held a steering committee. They agreed to deepen ties. It was in Rabat. Extra.",
    )
    g = ground(seed_text, review(seed_text, draft))  # prompts v1 and v2 review their drafts first
    assert [p.name for p in g.parties] == ["Israel", "Morocco"]
    assert all(seed_text[m.start:m.end].casefold() == "israel" for m in g.parties[0].mentions)
    assert [(c.name, c.title) for c in g.chairs] == [
        ("Doukur Darmy", "General"),
        ("Dror Shalom", "Director of the Office of Political-Military Affairs"),
    ]
    assert [d.label.value for d in g.domains] == ["intelligence", "logistics"]
    assert len(g.quotes) == 2
    for q in g.quotes:
        assert q.span is not None and seed_text[q.span.start:q.span.end] == q.text
    assert g.quotes[0].kind == QuoteKind.direct and g.quotes[1].kind == QuoteKind.partial
    assert g.quotes[0].attribution and g.quotes[0].attribution.text == "Israel's Defense Ministry"
    rejected = {(r.field, r.value) for r in g.rejected}
    assert rejected == {
        ("parties", "France"),
        ("chairs", "Not specified"),
        ("domains", "space: space exploration"),
        ("quotes", "We will conquer the moon together"),
    }
    assert g.event.date == "2023-01-17"
    assert g.summary.count(".") == 3


def test_bad_date_is_dropped_with_warning(seed_text: str) -> None:
    g = ground(seed_text, Draft(event=DraftEvent(date="Tuesday")))
    assert g.event.date is None and any("not an ISO date" in w for w in g.warnings)


def test_the_review_of_v1_and_v2_keeps_one_domain_per_label_in_the_articles_words(seed_text: str) -> None:
    draft = review(seed_text, Draft(domains=[
        DraftDomain(label="intelligence", wording="INTELLIGENCE"),
        DraftDomain(label="intelligence", wording="cybersecurity"),
        DraftDomain(label="cybersecurity", wording="intelligence"),
    ]))
    assert [(d.label.value, d.wording) for d in draft.domains] == [("intelligence", "intelligence"), ("cybersecurity", "intelligence")]
    first = draft.domains[0].span
    assert first is not None and first.alignment == Alignment.normalised
    g = ground(seed_text, draft)
    assert [d.span for d in g.domains] == [d.span for d in draft.domains]  # grounding keeps the review's spans


def test_grounding_aligns_and_does_not_judge(seed_text: str) -> None:
    """Whether a chair chaired is the strategy's question: grounding keeps the chair it is given, with
    no evidence when the article does not name them. A domain keeps its wording, found word by word."""
    g = ground(seed_text, Draft(
        chairs=[DraftChair(name="Not specified")],
        domains=[DraftDomain(label="intelligence", wording="intelligence cybersecurity"),
                 DraftDomain(label="cybersecurity", wording="intelligence")],
    ))
    assert [(c.name, c.evidence) for c in g.chairs] == [("Not specified", None)]
    assert [d.wording for d in g.domains] == ["intelligence cybersecurity", "intelligence"]
    assert g.domains[0].span is not None and g.domains[0].span.text == "intelligence and cybersecurity"
    assert not g.rejected
