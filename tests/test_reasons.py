"""Rejection reasons (communique.checks.reasons): a Reason is written out as its text."""

from __future__ import annotations

from communique.checks.reasons import Reason
from communique.schema.v1 import Rejection


def test_reasons_serialise_as_their_text() -> None:
    r = Rejection(field="chairs", value="X", reason=Reason.EARLIER_EVENT)
    assert r.model_dump_json() == '{"field":"chairs","value":"X","reason":"named only about another, earlier event"}'
    assert r.reason == "named only about another, earlier event"
    assert len({m.value for m in Reason}) == len(Reason)
