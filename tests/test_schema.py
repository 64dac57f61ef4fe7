"""Plumbing: the checked-in JSON Schema files are exactly what the Pydantic models generate."""

from __future__ import annotations

import json

import jsonschema
import pytest

from communique._resources import data_dir
from communique.schema import SCHEMAS, render, schema_filename
from communique.schema.v1 import Provenance, Summary


@pytest.mark.parametrize("version", list(SCHEMAS))
def test_checked_in_schema_matches_models(version: str) -> None:
    path = data_dir("schemas") / schema_filename(version)
    assert path.exists(), f"{path} missing: run `communique schemas export`"
    assert path.read_text(encoding="utf-8") == render(version), (
        f"{path} differs from the models of schema v{version}. Released schemas never change: "
        "make a new schema version instead."
    )


def test_a_summary_validates_against_the_file() -> None:
    summary = Summary(
        provenance=Provenance(
            prompt_id="summarise", prompt_version="1", prompt_hash="sha256:x", backend="replay", model="m",
            article_sha256="0" * 64, communique_version="0",
        )
    )
    schema = json.loads((data_dir("schemas") / schema_filename("1")).read_text())
    jsonschema.validate(json.loads(summary.model_dump_json()), schema)
    bad = json.loads(summary.model_dump_json())
    bad["quotes"] = [{"speaker": "x"}]  # no text
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
