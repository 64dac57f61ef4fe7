"""Plumbing: the public seams between the API, the backends and runs (no model: recorded answers).

- a WrappedBackend is its inner backend as far as anyone can tell, and unwraps to it;
- a Runner never changes the summariser it is given;
- Summariser.fingerprint is the cache key finished summaries were stored under before it existed;
- the call log, installed when the summariser is built, writes each call under its article.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from communique import Summariser
from communique.backends.base import Backend, Completion, GenerationParams, Messages, T, WrappedBackend
from communique.backends.modelstore import DEFAULT_MODEL, MODELS
from communique.backends.replay import RecordingBackend, ReplayBackend
from communique.inputs import InputItem, from_text
from communique.ledger import Ledger
from communique.prompting import get_prompt
from communique.runs.calllog import CallLog, article_scope
from communique.runs.runner import Runner

ROOT = Path(__file__).resolve().parent.parent
RECORDINGS = ROOT / "evals" / "recordings"
SEED = ROOT / "evals" / "cases" / "seed" / "article.txt"


class Closing(Backend):
    name = "closing"
    model = "m"
    model_sha256 = "abc"

    def __init__(self) -> None:
        super().__init__()
        self.closed = False

    def complete(self, messages: Messages, response_model: type[T], params: GenerationParams) -> Completion[T]:
        raise AssertionError("not called")

    def describe(self) -> dict[str, Any]:
        return {"where": "here"}

    def close(self) -> None:
        self.closed = True


def replay() -> ReplayBackend:
    spec = MODELS[DEFAULT_MODEL]
    return ReplayBackend(RECORDINGS, model=spec.name, model_sha256=spec.sha256)


def test_a_wrapped_backend_has_its_inner_backends_identity_and_unwraps_to_it(tmp_path: Path) -> None:
    inner = Closing()
    ledger = Ledger(tmp_path / "ledger.sqlite")
    outer = CallLog(RecordingBackend(inner, tmp_path / "rec"), ledger, get_prompt("2"))
    assert isinstance(outer, WrappedBackend)
    assert (outer.name, outer.model, outer.model_sha256) == ("closing", "m", "abc")
    assert outer.describe() == {"where": "here", "recording_to": str(tmp_path / "rec")}
    assert outer.unwrap() is inner and outer.inner.unwrap() is inner
    outer.close()
    assert inner.closed


def test_a_runner_never_changes_its_summarisers_backend(tmp_path: Path) -> None:
    backend = replay()
    summariser = Summariser(backend, prompt_version="2")
    runner = Runner(summariser, Ledger(tmp_path / "ledger.sqlite"))
    article = from_text(SEED.read_text(encoding="utf-8"), id="seed")
    record = asyncio.run(runner.summarise_item(InputItem("seed", "seed", lambda: article)))
    assert record.status == "ok", record.error
    assert summariser.backend is backend


@pytest.mark.parametrize(("version", "key"), [
    ("1", "f30d2597e97acce93bd14ebd53d4f38ddbe226b4f236c8e1c5b07b1121b4377a"),
    ("2", "26b6bb6a692a165215cb71e1da726f2a9450d4e0a3e53306ee2a5f1fc7b498e2"),
    ("3", "afb7ab514b3578671689b180fad6bf071f54e7c37c5c36830c7759ae71c2d6e1"),
])
def test_the_fingerprint_is_the_cache_key_of_earlier_releases(version: str, key: str) -> None:
    """Keys computed by the ledger's result_key before the fingerprint replaced it: a ledger filled by
    an earlier release still answers from its cache."""
    seed = (ROOT / "seeds" / "israel-morocco-steering-committee-2023.txt").read_text(encoding="utf-8")
    assert Summariser(replay(), prompt_version=version).fingerprint(from_text(seed)) == key
    other = Summariser(ReplayBackend(RECORDINGS, model="gpt-4o-mini"), prompt_version="2", max_chunk_chars=5000)
    assert other.fingerprint(seed) == "b3a4132ede0196a1d08ced2b410dde75400af87b06c238aa8b66d57b9ea53955"


def test_the_call_log_writes_every_call_under_its_article(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite")
    summariser = Summariser(CallLog(replay(), ledger, get_prompt("2")), prompt_version="2")
    article = from_text(SEED.read_text(encoding="utf-8"), id="seed")
    with article_scope(article):
        summary = summariser.summarise(article)
    rows = ledger.calls()
    assert len(rows) == summary.provenance.calls > 0
    assert {(r["article_id"], r["article_sha256"], r["prompt"], r["backend"]) for r in rows} == {
        ("seed", article.sha256, "summarise@2", "replay")}
    assert summary.provenance.backend == "replay" and summary.provenance.model == DEFAULT_MODEL


class Counting(Backend):
    """Answers every question with an empty object and counts the calls (plumbing only, no model)."""

    name = "counting"
    model = "m"
    model_sha256 = "abc"

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def complete(self, messages: Messages, response_model: type[T], params: GenerationParams) -> Completion[T]:
        self.calls += 1
        return Completion(value=response_model(), prompt_tokens=1, completion_tokens=1, latency_s=0.0, raw="{}")


def test_recording_missing_only_asks_live_just_the_questions_not_recorded(tmp_path: Path) -> None:
    from pydantic import BaseModel

    class Answer(BaseModel):
        text: str = ""

    params = GenerationParams()
    asked = [[{"role": "user", "content": q}] for q in ("first", "second")]
    inner = Counting()
    RecordingBackend(inner, tmp_path).complete(asked[0], Answer, params)
    assert inner.calls == 1
    again = RecordingBackend(inner, tmp_path, missing_only=True)
    assert again.complete(asked[0], Answer, params).extra == {"replayed": key_of(asked[0], Answer, params)}
    assert inner.calls == 1  # recorded: answered from the file
    again.complete(asked[1], Answer, params)
    assert inner.calls == 2  # not recorded: asked live, and now recorded
    assert ReplayBackend(tmp_path, model="m", model_sha256="abc").complete(asked[1], Answer, params).raw == "{}"
    RecordingBackend(inner, tmp_path).complete(asked[0], Answer, params)
    assert inner.calls == 3  # a plain re-recording asks again


def key_of(messages: Messages, model: type[Any], params: GenerationParams) -> str:
    from communique.backends.replay import recording_key

    return recording_key("m:abc", messages, model, params)
