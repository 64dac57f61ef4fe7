"""Plumbing of the openai backend against a scripted OpenAI-compatible HTTP server on loopback.

Real HTTP, real openai SDK, real instructor and tenacity; only the server's answers are scripted.
(The same backend against a real model server is in test_real_server.py.)
"""

from __future__ import annotations

import socket
import time

import pytest

from communique import BackendUnavailable, ExtractionFailed, Summariser
from communique.backends.openai import OpenAIBackend
from scripted_server import SEED_DRAFT as DRAFT
from scripted_server import ScriptedServer

SECRET = "sk-test-SECRET-never-shown-1234"


def backend(server: ScriptedServer, **kw: object) -> OpenAIBackend:
    opts = {"model": "scripted", "base_url": server.base_url, "api_key": SECRET, "mode": "json", "max_wait": 2.0}
    opts.update(kw)
    return OpenAIBackend(**opts)  # type: ignore[arg-type]


def test_summary_through_real_http(seed_text: str) -> None:
    with ScriptedServer([("answer", DRAFT)]) as server:
        summary = Summariser(backend(server), prompt_version="1").summarise(seed_text)
    assert [p.name for p in summary.parties] == ["Israel", "Morocco"]
    assert summary.quotes[0].span and seed_text[summary.quotes[0].span.start:summary.quotes[0].span.end] == summary.quotes[0].text
    assert summary.provenance.backend == "openai" and summary.provenance.usage.total_tokens == 15
    sent = server.requests[0]
    assert sent["headers"]["authorization"] == f"Bearer {SECRET}"
    assert sent["body"]["response_format"] == {"type": "json_object"}
    assert SECRET not in summary.model_dump_json()


def test_429_retry_after_is_honoured(seed_text: str) -> None:
    script = [("status", 429, {"retry-after": "1"}, {"error": {"message": "slow down"}}), ("answer", DRAFT)]
    with ScriptedServer(script) as server:
        started = time.perf_counter()
        summary = Summariser(backend(server), prompt_version="1").summarise(seed_text)
        elapsed = time.perf_counter() - started
    assert len(server.requests) == 2
    assert elapsed >= 0.9, "waited as Retry-After asked"
    assert summary.provenance.attempts == 2


def test_5xx_and_dropped_connections_are_retried(seed_text: str) -> None:
    script = [("status", 500, {}, {"error": "boom"}), ("drop",), ("status", 503, {}, {}), ("answer", DRAFT)]
    with ScriptedServer(script) as server:
        summary = Summariser(backend(server, transport_retries=4), prompt_version="1").summarise(seed_text)
    assert len(server.requests) == 4 and summary.parties


def test_transport_retries_are_bounded_and_the_error_is_clear(seed_text: str) -> None:
    with ScriptedServer([("status", 503, {}, {"error": {"message": f"overloaded; key was {SECRET}"}})]) as server:
        with pytest.raises(BackendUnavailable) as info:
            Summariser(backend(server, transport_retries=2, max_wait=0.1), prompt_version="1").summarise(seed_text)
    assert len(server.requests) == 3
    assert "HTTP 503" in str(info.value) and SECRET not in str(info.value)


def test_invalid_answers_are_reasked_then_fail_clearly(seed_text: str) -> None:
    with ScriptedServer([("answer", '{"parties": "not a list"}'), ("answer", DRAFT)]) as server:
        summary = Summariser(backend(server, max_reasks=1), prompt_version="1").summarise(seed_text)
    assert len(server.requests) == 2 and summary.parties
    assert len(server.requests[1]["body"]["messages"]) > len(server.requests[0]["body"]["messages"]), "re-ask shows the error"
    with ScriptedServer([("answer", '{"parties": 3}')]) as server:
        with pytest.raises(ExtractionFailed):
            Summariser(backend(server, max_reasks=1), prompt_version="1").summarise(seed_text)
    assert len(server.requests) == 2


def test_auto_mode_falls_back_when_json_schema_is_refused(seed_text: str) -> None:
    refusal = ("status", 500, {}, {"error": {"message": "response_format type json_schema not supported"}})
    with ScriptedServer([refusal, ("answer", DRAFT)]) as server:
        b = backend(server, mode="auto")
        summary = Summariser(b, prompt_version="1").summarise(seed_text)
    assert server.requests[0]["body"]["response_format"]["type"] == "json_schema"
    second = server.requests[1]["body"]["response_format"]
    assert second["type"] == "json_object" and second["schema"]["title"] == "Draft"
    assert b.describe()["mode"] == "json_object_schema" and summary.provenance.parameters["mode"] == "json_object_schema"


def test_auto_mode_ends_at_plain_json(seed_text: str) -> None:
    refusal = ("status", 400, {}, {"error": {"message": "unsupported response_format"}})
    with ScriptedServer([refusal, refusal, ("answer", DRAFT)]) as server:
        b = backend(server, mode="auto")
        Summariser(b, prompt_version="1").summarise(seed_text)
        Summariser(b, prompt_version="1").summarise(seed_text)
    assert [r["body"]["response_format"] for r in server.requests[2:]] == [{"type": "json_object"}] * 2
    assert b.describe()["mode"] == "json"


def test_unreachable_server_is_one_clear_error(seed_text: str) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    b = OpenAIBackend("m", base_url=f"http://127.0.0.1:{port}/v1", api_key=SECRET, mode="json",
                      transport_retries=1, max_wait=0.1)
    with pytest.raises(BackendUnavailable, match=f"cannot reach http://127.0.0.1:{port}/v1") as info:
        Summariser(b, prompt_version="1").summarise(seed_text)
    assert SECRET not in str(info.value)


def test_no_key_and_no_server_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(BackendUnavailable, match="OPENAI_API_KEY"):
        OpenAIBackend()


async def _twice(server: ScriptedServer, seed_text: str) -> list[object]:
    import asyncio

    s = Summariser(backend(server), prompt_version="1")
    return list(await asyncio.gather(s.asummarise(seed_text), s.asummarise(seed_text)))


def test_async_twin(seed_text: str) -> None:
    import asyncio

    with ScriptedServer([("answer", DRAFT)]) as server:
        results = asyncio.run(_twice(server, seed_text))
    assert len(results) == 2 and len(server.requests) == 2


def test_a_hanging_server_times_out_retries_and_fails_in_bounded_time(seed_text: str) -> None:
    with ScriptedServer([("hang", 3, DRAFT)]) as server:
        started = time.perf_counter()
        with pytest.raises(BackendUnavailable, match=r"did not answer within 0.5s") as info:
            Summariser(backend(server, timeout=0.5, transport_retries=1, max_wait=0.1), prompt_version="1").summarise(seed_text)
        elapsed = time.perf_counter() - started
    assert len(server.requests) == 2 and elapsed < 3, elapsed
    assert SECRET not in str(info.value)


def test_truncated_json_is_reasked(seed_text: str) -> None:
    with ScriptedServer([("answer", DRAFT[:57]), ("answer", DRAFT)]) as server:
        summary = Summariser(backend(server, max_reasks=1), prompt_version="1").summarise(seed_text)
    assert len(server.requests) == 2 and summary.parties and summary.provenance.attempts == 2
