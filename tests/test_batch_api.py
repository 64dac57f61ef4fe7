"""The OpenAI Batch API mode (`communique summarise --batch-api`) against a local stand-in of the files
and batches endpoints over real HTTP (tests/batch_server.py).

Plumbing tests: the stand-in's answers are scripted (no model). The last test is a model test: the
stand-in forwards each request to llama.cpp's server running the real 0.5B model."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from batch_server import BatchStandIn
from conftest import ROOT, cli, interruptible
from scripted_server import SEED_DRAFT, ScriptedServer, decomposed_answer

SECRET = "sk-batchapi-SECRET-1357924680"
CASES = ROOT / "evals" / "cases"


def summarise(base_url: str, db: Path, *args: str, batch_api: bool = True, model: str = "gpt-4o-mini") -> list[str]:
    # Prompt v2: these plumbing tests count its rounds and questions (three together, then one re-ask).
    return cli("summarise", "--prompt-version", "2", *args, "--backend", "openai", "--base-url", base_url, "--model", model,
               "--mode", "json_object_schema", "--db", str(db), "--api-key", SECRET,
               *(["--batch-api", "--poll-interval", "0.02"] if batch_api else []))


def records(stdout: str) -> dict[str, dict]:
    return {r["id"]: r for r in map(json.loads, stdout.splitlines())}


def folder(tmp_path: Path, *cases: str, extra: dict[str, str] | None = None) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    for case in cases:
        (d / f"{case}.txt").write_text((CASES / case / "article.txt").read_text(encoding="utf-8"), encoding="utf-8")
    for name, text in (extra or {}).items():
        (d / name).write_text(text, encoding="utf-8")
    return d


def facts(record: dict) -> dict:
    """What a summary says, without how it was obtained (provenance, timings)."""
    return {k: v for k, v in record["summary"].items() if k != "provenance"}


def cost(stderr: str) -> float:
    found = re.search(r"cost \$([0-9.]+)", stderr)
    assert found, stderr
    return float(found.group(1))


def interrupt_while_waiting(stand_in: BatchStandIn, cmd: list[str], polls: int) -> tuple[int, str, str]:
    """Run ``cmd`` while the stand-in holds its batches in progress; press Ctrl-C after ``polls`` status
    checks. The stand-in is left holding: the caller decides when its batches finish."""
    stand_in.hold.clear()
    proc = interruptible(cmd)
    deadline = time.time() + 60
    while stand_in.hits["batch retrieve"] < polls and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


def test_batch_api_gives_the_same_summaries_as_online_calls_at_half_the_price(tmp_path: Path) -> None:
    d = folder(tmp_path, "seed", "curly_quotes", "nested_quotes", "no_quotes", extra={"empty.txt": ""})
    with BatchStandIn(decomposed_answer) as stand_in:
        batch = subprocess.run(summarise(stand_in.base_url, tmp_path / "b.sqlite", str(d)),
                               capture_output=True, text=True, timeout=300)
    with ScriptedServer([("call", decomposed_answer)]) as server:
        online = subprocess.run(summarise(server.base_url, tmp_path / "o.sqlite", str(d), batch_api=False),
                                capture_output=True, text=True, timeout=300)
    assert batch.returncode == online.returncode == 8, batch.stderr  # 8: the empty file failed, the rest went on
    got, want = records(batch.stdout), records(online.stdout)
    assert {k: r["status"] for k, r in got.items()} == {k: r["status"] for k, r in want.items()} == {
        "seed": "ok", "curly_quotes": "ok", "nested_quotes": "ok", "no_quotes": "ok", "empty": "error"}
    for article in ("seed", "curly_quotes", "nested_quotes", "no_quotes"):
        assert facts(got[article]) == facts(want[article]), article
        assert got[article]["summary"]["provenance"]["calls"] == want[article]["summary"]["provenance"]["calls"]
    # Two rounds: every question that needs only the article, then the re-ask of the rejected France.
    rounds = re.findall(r"Batch API round (\d+)", batch.stderr)
    assert len(rounds) == 2 and stand_in.hits["batch create"] == 2 == stand_in.hits["file upload"]
    assert {p["name"] for p in got["seed"]["summary"]["parties"]} == {"Israel", "Morocco"}
    # Every model call is in the ledger, as online; the Batch API costs half.
    with sqlite3.connect(tmp_path / "b.sqlite") as b, sqlite3.connect(tmp_path / "o.sqlite") as o:
        query = "SELECT article_id, question, prompt_tokens FROM calls ORDER BY article_id, question"
        assert b.execute(query).fetchall() == o.execute(query).fetchall()
    assert cost(batch.stderr) == pytest.approx(cost(online.stderr) / 2, abs=1e-4) and "Batch API price" in batch.stderr
    assert SECRET not in batch.stdout + batch.stderr + (tmp_path / "b.sqlite").read_bytes().decode("utf-8", "replace")


def test_interrupted_while_a_batch_runs_the_rerun_waits_for_it_instead_of_resubmitting(tmp_path: Path) -> None:
    d = folder(tmp_path, "seed", "swap_entities", "guillemets")
    db = tmp_path / "ledger.sqlite"
    with BatchStandIn(decomposed_answer) as stand_in:
        code, out, err = interrupt_while_waiting(stand_in, summarise(stand_in.base_url, db, str(d)), polls=3)
        assert code == 130, err
        assert out == "" and stand_in.hits["batch create"] == 1
        first_round = {line["custom_id"] for line in stand_in.request_lines}
        assert len(first_round) == 6  # parties and chairs, and domains, for each of the 3 articles

        stand_in.hold.set()
        again = subprocess.run(summarise(stand_in.base_url, db, str(d)), capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr
        assert "6 request(s) are in batch_2, submitted by an earlier run: waiting for it" in again.stderr
        assert {r["status"] for r in records(again.stdout).values()} == {"ok"}
        ids = [line["custom_id"] for line in stand_in.request_lines]
        assert len(ids) == len(set(ids)), "a request was submitted twice"
        creates = stand_in.hits["batch create"]

        third = subprocess.run(summarise(stand_in.base_url, db, str(d)), capture_output=True, text=True, timeout=300)
        assert third.returncode == 0 and {r["status"] for r in records(third.stdout).values()} == {"skipped"}
        assert stand_in.hits["batch create"] == creates


def test_failed_expired_and_garbled_results_fail_only_their_articles_and_a_rerun_redoes_only_those(tmp_path: Path) -> None:
    seed = (CASES / "seed" / "article.txt").read_text(encoding="utf-8")
    d = folder(tmp_path, "curly_quotes", extra={"failing.txt": seed + "\n\nFAILME", "late.txt": seed + "\n\nLATE"})
    db = tmp_path / "ledger.sqlite"
    with BatchStandIn(decomposed_answer, expire_at="LATE", garbage_line=True) as stand_in:
        done = subprocess.run(summarise(stand_in.base_url, db, str(d)), capture_output=True, text=True, timeout=300)
        assert done.returncode == 8, done.stderr
        got = records(done.stdout)
        # Requests go in input order; the stand-in answers those of two articles (the second's with
        # HTTP 500), then the batch expires before the third's.
        status = {k: r["status"] for k, r in got.items()}
        assert status == {"curly_quotes": "ok", "failing": "error", "late": "error"}, status
        errors = [r["error"] for r in got.values() if r["status"] == "error"]
        assert any("answered this request with HTTP 500: this chunk always fails" in e for e in errors), errors
        assert any("ended expired without answering this request" in e for e in errors), errors
        assert "is not a result; skipped" in done.stderr

        stand_in.expire_at, stand_in.garbage_line = None, False
        lines_before = len(stand_in.request_lines)
        again = subprocess.run(summarise(stand_in.base_url, db, str(d)), capture_output=True, text=True, timeout=300)
        now = {k: r["status"] for k, r in records(again.stdout).items()}
        assert now == {"curly_quotes": "skipped", "failing": "error", "late": "ok"}, now
        # The re-run asks the first question again only for the two articles without a summary.
        firsts = [line for line in stand_in.request_lines[lines_before:]
                  if line["body"]["response_format"]["schema"]["title"] == "PartiesAndChairs"]
        assert len(firsts) == 2 and "LATE" in json.dumps(firsts[-1]["body"])


def test_a_job_the_server_forgot_is_submitted_again_by_the_next_run(tmp_path: Path) -> None:
    d = folder(tmp_path, "seed")
    db = tmp_path / "ledger.sqlite"
    with BatchStandIn(decomposed_answer) as stand_in:
        assert interrupt_while_waiting(stand_in, summarise(stand_in.base_url, db, str(d)), polls=2)[0] == 130
        stand_in.forget.add("batch_2")  # e.g. the run resumes with another project's key
        stand_in.hold.set()
        lost = subprocess.run(summarise(stand_in.base_url, db, str(d)), capture_output=True, text=True, timeout=300)
        assert lost.returncode == 8
        assert "HTTP 404" in lost.stdout and "the job is forgotten, a re-run submits its requests again" in lost.stdout
        again = subprocess.run(summarise(stand_in.base_url, db, str(d)), capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr
        assert records(again.stdout)["seed"]["status"] == "ok" and stand_in.hits["batch create"] >= 2


def test_a_200_answer_that_is_not_a_chat_completion_fails_its_article_and_is_not_kept(tmp_path: Path) -> None:
    seed = (CASES / "seed" / "article.txt").read_text(encoding="utf-8")
    d = folder(tmp_path, "curly_quotes", extra={"broken.txt": seed + "\n\nBROKEN"})

    def answer(body: dict) -> object:
        return (200, {"id": "not-a-completion"}) if "BROKEN" in json.dumps(body) else decomposed_answer(body)

    db = tmp_path / "ledger.sqlite"
    with BatchStandIn(answer) as stand_in:
        done = subprocess.run(summarise(stand_in.base_url, db, str(d)), capture_output=True, text=True, timeout=300)
        got = records(done.stdout)
        assert done.returncode == 8 and got["curly_quotes"]["status"] == "ok"
        assert "a body that is not a chat completion" in got["broken"]["error"]
        before = len(stand_in.request_lines)
        again = subprocess.run(summarise(stand_in.base_url, db, str(d)), capture_output=True, text=True, timeout=300)
        assert records(again.stdout)["broken"]["status"] == "error"
        assert len(stand_in.request_lines) > before  # asked again: the broken answer was not kept


def test_an_invalid_answer_is_reasked_in_the_next_round(tmp_path: Path) -> None:
    seed = (CASES / "seed" / "article.txt").read_text(encoding="utf-8")
    d = folder(tmp_path, "seed", extra={"stubborn.txt": seed + "\n\nNEVERVALID"})

    def answer(body: dict) -> str:  # valid only once told what was wrong (never for the stubborn one)
        told = any(m["role"] == "user" and "validation error" in m["content"] for m in body["messages"][2:])
        return SEED_DRAFT if told and "NEVERVALID" not in json.dumps(body) else '{"parties": "not a list"}'

    with BatchStandIn(answer) as stand_in:
        done = subprocess.run(summarise(stand_in.base_url, tmp_path / "l.sqlite", str(d), "-p", "1"),
                              capture_output=True, text=True, timeout=300)
    got = records(done.stdout)
    assert got["seed"]["status"] == "ok", done.stderr
    assert got["seed"]["summary"]["provenance"]["attempts"] == 2 and got["seed"]["summary"]["provenance"]["calls"] == 1
    # The other article never answers validly: after 1 + max_reasks (2) attempts it is an error.
    assert got["stubborn"]["status"] == "error"
    assert "gave no valid answer within 3 attempts" in got["stubborn"]["error"]
    assert stand_in.hits["batch create"] == 3


def test_batch_api_needs_the_openai_backend(seed_path: Path) -> None:
    done = subprocess.run(cli("summarise", str(seed_path), "--batch-api"), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--batch-api needs --backend openai" in done.stderr


@pytest.mark.server
@pytest.mark.model
def test_real_model_behind_the_batch_stand_in(model_server: str, tmp_path: Path) -> None:
    d = folder(tmp_path, "seed")
    with BatchStandIn(forward_to=model_server) as stand_in:
        done = subprocess.run(summarise(stand_in.base_url, tmp_path / "l.sqlite", str(d), model="qwen2.5-coder-0.5b"),
                              capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    summary = records(done.stdout)["seed"]["summary"]
    text = (d / "seed.txt").read_text(encoding="utf-8")
    assert {"Israel", "Morocco"} <= {p["name"] for p in summary["parties"]}
    assert summary["quotes"] and all(text[q["span"]["start"]:q["span"]["end"]] == q["text"] for q in summary["quotes"])
    assert summary["provenance"]["usage"]["prompt_tokens"] > 300
