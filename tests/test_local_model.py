"""Model behaviour: the real embedded model (Qwen2.5-Coder-1.5B, llama.cpp in-process) on the seed.

Slow (about a minute); needs the `local` extra. Nothing here is mocked or recorded.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from communique import Summariser, Summary
from communique._resources import data_dir
from conftest import cli

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def seed_summary(seed_path: Path) -> Summary:
    with Summariser("local") as s:
        return s.summarise(seed_path)


def test_names_both_parties(seed_summary: Summary) -> None:
    names = {p.name.casefold() for p in seed_summary.parties}
    assert {"israel", "morocco"} <= names, names


def test_quotes_are_verbatim_spans_of_the_article(seed_summary: Summary, seed_text: str) -> None:
    assert seed_summary.quotes, "at least one quotation found"
    for q in seed_summary.quotes:
        assert q.span is not None
        assert seed_text[q.span.start:q.span.end] == q.text


def test_every_grounded_item_points_at_its_text(seed_summary: Summary, seed_text: str) -> None:
    for chair in seed_summary.chairs:
        assert chair.evidence and seed_text[chair.evidence.start:chair.evidence.end] == chair.evidence.text
    for party in seed_summary.parties:
        assert all(seed_text[m.start:m.end] == m.text for m in party.mentions)


def test_provenance_records_the_verified_model(seed_summary: Summary) -> None:
    p = seed_summary.provenance
    assert p.backend == "local" and p.model == "qwen2.5-coder-1.5b"
    assert p.model_sha256 == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
    assert p.usage.prompt_tokens > 300 and p.usage.completion_tokens > 0 and p.calls >= 1


def test_cli_output_validates_against_checked_in_schema(seed_path: Path) -> None:
    done = subprocess.run(cli("summarise", str(seed_path)), capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    schema = json.loads((data_dir("schemas") / "summary.v1.schema.json").read_text())
    jsonschema.validate(json.loads(done.stdout), schema)
