"""The per-article deadline. Plumbing tests talk real HTTP to the scripted loopback server
(tests/scripted_server.py); the tests marked ``model`` run the real embedded model."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from communique import ConfigError, DeadlineExceeded, Summariser, deadline
from communique.backends.openai import OpenAIBackend
from conftest import cli
from scripted_server import SEED_DRAFT, ScriptedServer, decomposed_answer


def backend(server: ScriptedServer) -> OpenAIBackend:
    return OpenAIBackend(model="slow", base_url=server.base_url, api_key="sk-x", mode="json",
                         timeout=30.0, transport_retries=3, max_wait=0.2, max_reasks=1)


def test_default_deadline_scales_with_the_article() -> None:
    assert deadline.default_seconds("") == deadline.BASE_SECONDS
    assert deadline.default_seconds("x" * 4000) == pytest.approx(deadline.BASE_SECONDS + 250)


def test_deadline_must_be_positive() -> None:
    with pytest.raises(ConfigError):
        Summariser("replay", deadline=0)


def test_a_server_slower_than_the_deadline_is_cut_off(seed_text: str) -> None:
    with ScriptedServer([("hang", 20.0, SEED_DRAFT)]) as server:
        started = time.perf_counter()
        with pytest.raises(DeadlineExceeded) as info:
            Summariser(backend(server), prompt_version="1", deadline=1.5).summarise(seed_text)
        elapsed = time.perf_counter() - started
    assert elapsed < 1.5 + 2
    assert "deadline" in str(info.value)
    assert len(server.requests) == 1, "no retry after the deadline"


def test_without_a_deadline_the_client_timeout_rules(seed_text: str) -> None:
    with ScriptedServer([("hang", 1.0, SEED_DRAFT)]) as server:
        summary = Summariser(backend(server), prompt_version="1", deadline=None).summarise(seed_text)
    assert [p.name for p in summary.parties] == ["Israel", "Morocco"]


def test_answers_before_the_deadline_are_kept_as_a_partial_result(seed_text: str) -> None:
    """Prompt v3 over a server: the first question is answered at once, the next hangs past the
    deadline. The article ends as a partial result with a warning, not as an error."""
    with ScriptedServer([("call", decomposed_answer), ("hang", 20.0, "{}")]) as server:
        backend = OpenAIBackend(model="scripted", base_url=server.base_url, api_key="sk-x", mode="json_object_schema",
                                timeout=30.0, transport_retries=2, max_wait=0.2, max_reasks=1)
        started = time.perf_counter()
        summary = Summariser(backend, prompt_version="3", deadline=2.0).summarise(seed_text)
        elapsed = time.perf_counter() - started
    assert elapsed < 2.0 + 2
    assert {p.name for p in summary.parties} == {"Israel"}  # from the one answer that arrived (France refused)
    assert any(w.startswith("partial result: the deadline") for w in summary.warnings), summary.warnings
    assert summary.quotes and all(seed_text[q.span.start : q.span.end] == q.text for q in summary.quotes if q.span)


# -- the real embedded model ----------------------------------------------------------------------

@pytest.mark.model
def test_a_runaway_prone_call_ends_within_the_deadline(seed_text: str) -> None:
    """Prompt v1 asks for the whole summary in one call of up to 1,500 tokens: about 2 minutes of writing
    here. With a 4 s deadline it ends as DeadlineExceeded within 4 + 2 s, generation stopped."""
    summariser = Summariser("local", prompt_version="1", deadline=4.0)
    assert summariser.backend.engine is not None  # load the model outside the measured time
    started = time.perf_counter()
    with pytest.raises(DeadlineExceeded) as info:
        summariser.summarise(seed_text)
    assert time.perf_counter() - started < 4.0 + 2.0
    assert "deadline" in str(info.value) and "tokens" in str(info.value)


@pytest.mark.model
def test_batch_goes_on_past_an_article_that_overruns(tmp_path: Path, seed_text: str) -> None:
    """Three articles, the middle one long enough that reading it overruns a 30 s deadline: it ends as an
    error record within the deadline + 2 s, with the reason and the ledger entry; the other two finish."""
    folder = tmp_path / "articles"
    folder.mkdir()
    short = "Norway and Iceland held fisheries talks in Oslo on Monday, led by ministers Ola Dahl and Sif Jonsdottir."
    (folder / "a.txt").write_text(short, encoding="utf-8")
    # About 5,000 tokens in its first chunk: reading it alone takes longer than the deadline on any
    # machine of this kind (34-82 prompt tokens/s), so no answer arrives and the article fails.
    (folder / "b.txt").write_text("\n\n".join([seed_text] * 12), encoding="utf-8")
    (folder / "c.txt").write_text(short.replace("Oslo", "Reykjavik").replace("Monday", "Friday"), encoding="utf-8")
    db = tmp_path / "ledger.sqlite"
    run = subprocess.run(cli("summarise", str(folder), "--deadline", "30", "--db", str(db), "--no-cache"),
                         capture_output=True, text=True, timeout=600)
    records = {Path(r["source"]).name: r for r in map(json.loads, run.stdout.splitlines())}
    assert run.returncode == 8, run.stderr
    assert records["a.txt"]["status"] == "ok" and records["c.txt"]["status"] == "ok"
    late = records["b.txt"]
    assert late["status"] == "error" and "deadline" in late["error"]
    assert late["seconds"] < 30 + 2
    logs = subprocess.run(cli("logs", "--errors", "--json", "--db", str(db)), capture_output=True, text=True, timeout=60)
    errors = [json.loads(line) for line in logs.stdout.splitlines()]
    assert any("deadline" in (e.get("error") or "") for e in errors), errors


def test_a_looping_answer_is_recognised() -> None:
    from communique.backends.local import looping

    item = [11, 12, 13, 14, 15, 16, 17]  # one list item, the same again and again
    assert looping([1, 2, 3] + item * 4)
    assert not looping([1, 2, 3] + item * 3)  # three times may be a real list
    assert not looping(list(range(200)))  # a long answer that does not repeat
    assert not looping([7] * 20)  # too short to call a loop
    assert looping([7] * 24)
