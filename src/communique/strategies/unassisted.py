"""The review of the strategies without checks of their own, ``single-call`` (prompt v1) and
``decomposed`` (prompt v2): simple rules applied to the whole article's draft before grounding (the
``assisted`` strategy checks each answer with :mod:`communique.checks` instead).

- A party must be named in the article (grounding requires it of every draft; it is checked here too,
  so that the rejections are reported in the order parties, chairs, domains).
- A chair must be named in the article, in a paragraph that says someone chaired, co-chaired, led,
  headed or presided.
- One domain per label, the first the answers give; its wording is the article's own, where the
  wording was found (exactly, else normalised, else fuzzily).
"""

from __future__ import annotations

import re

from ..checks.reasons import Reason
from ..pipeline.drafts import Draft, DraftChair, DraftDomain, DraftParty
from ..pipeline.grounding import Grounder
from ..reading.text import normalise, split_title
from ..schema.v1 import Alignment, DomainLabel, Rejection

#: The words that say someone chaired: chaired, co-chaired, chairman, presided, led, headed.
CHAIR_WORDS = re.compile(
    r"\b(?:co-?)?chair(?:ed|ing|man|woman|person)\b|\bpresid(?:ed|ing)\b|\b(?:led|headed)\b", re.I
)


def review(article: str, draft: Draft) -> Draft:
    """The draft with what the rules refuse moved to its rejections (see the module's description)."""
    g = Grounder(article)
    rejected = list(draft.rejected)

    parties: list[DraftParty] = []
    for p in draft.parties:
        name = p.name.strip()
        if not name or any(normalise(name) == normalise(q.name.strip()) for q in parties):
            continue  # grounding would skip it
        if not g.mentions(name, p.aliases):
            rejected.append(Rejection(field="parties", value=name, reason=Reason.NOT_NAMED))
            continue
        parties.append(p)

    chairs: list[DraftChair] = []
    for c in draft.chairs:
        name, _ = split_title(c.name.strip())
        if not name or any(normalise(name) == normalise(split_title(x.name.strip())[0]) for x in chairs):
            continue  # grounding would skip it
        if (refusal := check_chair(g, c)) is not None:
            rejected.append(refusal)
            continue
        chairs.append(c)

    domains: list[DraftDomain] = []
    labels: set[DomainLabel] = set()
    for d in draft.domains:
        if d.label in labels:
            continue
        labels.add(d.label)
        span = g.locate(d.wording)
        if span is None:
            rejected.append(Rejection(field="domains", value=f"{d.label.value}: {d.wording}", reason=Reason.WORDING_NOT_IN_ARTICLE))
            continue
        domains.append(DraftDomain(label=d.label, wording=span.text, span=span))

    return draft.model_copy(update={"parties": parties, "chairs": chairs, "domains": domains, "rejected": rejected})


def check_chair(g: Grounder, chair: DraftChair) -> Rejection | None:
    """A chair must be named in the article, in a paragraph that says someone chaired or led."""
    name, _ = split_title(chair.name.strip())
    spans = g.find_all(name)
    if not spans:
        span = g.locate(name, words=True)
        if span is None or span.alignment == Alignment.fuzzy and span.score < 95:
            return Rejection(field="chairs", value=chair.name, reason=Reason.NAME_NOT_IN_ARTICLE)
        spans = [span]
    text = g.article
    for span in spans:
        start = text.rfind("\n", 0, span.start) + 1
        end = text.find("\n", span.end)
        if CHAIR_WORDS.search(text[start : end if end >= 0 else len(text)]):
            return None
    return Rejection(field="chairs", value=chair.name, reason=Reason.NOT_SAID_TO_CHAIR)
