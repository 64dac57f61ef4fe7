"""The openai backend against a real OpenAI-compatible server: llama.cpp's own server (built into
xllamacpp), started on loopback by `communique serve` in the `model_server` fixture, serving the real
0.5B model. No mocks. (A server that refuses ``json_schema`` is tested with the scripted server in
test_openai_backend.py.)"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from communique import Summariser
from communique._resources import data_dir
from conftest import cli

pytestmark = [pytest.mark.server, pytest.mark.model]


def test_api_against_real_server(model_server: str, seed_text: str) -> None:
    s = Summariser("openai", model="qwen2.5-coder-0.5b", base_url=model_server)
    summary = s.summarise(seed_text)
    # llama.cpp's server takes json_schema (turned into a grammar): auto mode keeps the first mode it tries.
    assert summary.provenance.parameters["mode"] == "json_schema"
    assert summary.provenance.usage.prompt_tokens > 300
    for q in summary.quotes:
        assert q.span and seed_text[q.span.start:q.span.end] == q.text


def test_cli_against_real_server(model_server: str, seed_path: Path) -> None:
    done = subprocess.run(
        cli("summarise", str(seed_path), "--backend", "openai", "--base-url", model_server, "--model", "qwen2.5-coder-0.5b"),
        capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stderr
    schema = json.loads((data_dir("schemas") / "summary.v1.schema.json").read_text())
    jsonschema.validate(json.loads(done.stdout), schema)
