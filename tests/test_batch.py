"""Plumbing of batch runs (`communique summarise` with many inputs): per-record errors, resume after an
interruption, concurrency, the SQLite ledger. Answers come from the scripted loopback server (no model)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

from conftest import cli, interruptible
from scripted_server import SEED_DRAFT, ScriptedServer

SECRET = "sk-batch-SECRET-0987654321"


def batch(server: ScriptedServer, db: Path, *args: str) -> list[str]:
    return cli("summarise", *args, "--backend", "openai", "--base-url", server.base_url, "--model", "scripted",
               "--mode", "json", "--prompt-version", "1", "--db", str(db), "--api-key", SECRET)


def records(stdout: str) -> dict[str, dict]:
    return {r["id"]: r for r in map(json.loads, stdout.splitlines())}


def test_folder_with_every_kind_of_bad_input(tmp_path: Path, seed_text: str) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "good1.txt").write_text(seed_text)
    (d / "good2.md").write_text(seed_text + "\n\nA closing line.")
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.txt").write_text("  \n\t\n")
    (d / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (d / "cp1252.txt").write_bytes(seed_text.encode("cp1252"))  # Windows-1252: decoded after detection
    (d / "garbled.txt").write_bytes(bytes(range(128, 256)) * 3)  # no encoding explains it
    (d / "huge.txt").write_text("Word " * 200_001)  # over the documented 1,000,000-character limit
    (d / "notes.txt").write_text("Shopping list: eggs, milk, bread.")
    (d / "page.html").write_text(
        "<html><head><title>Rabat talks</title></head><body><nav>Menu</nav><article><h1>Rabat talks</h1>"
        + "".join(f"<p>{p}</p>" for p in seed_text.split("\n\n")) + "</article><footer>(c) News</footer></body></html>"
    )
    (d / "batch.jsonl").write_text("\n".join([
        json.dumps({"id": "rec-text", "text": seed_text}),
        "{not json",
        json.dumps({"id": "rec-none"}),
        json.dumps({"id": "rec-path", "path": "good1.txt"}),
    ]) + "\n")
    db = tmp_path / "ledger.sqlite"
    with ScriptedServer([("answer", SEED_DRAFT)]) as server:
        done = subprocess.run(batch(server, db, str(d)), capture_output=True, text=True, timeout=300)
    assert done.returncode == 8, done.stderr
    got = records(done.stdout)
    status = {k: v["status"] for k, v in got.items()}
    assert status == {
        "rec-text": "ok", "good2": "ok", "page": "ok", "notes": "ok", "good1": "skipped", "rec-path": "skipped",
        "empty": "error", "blank": "error", "binary": "error", "cp1252": "skipped", "garbled": "error", "huge": "error", "line-2": "error", "rec-none": "error",
    }, status
    reasons = {k: v.get("error", "") for k, v in got.items()}
    assert "is empty" in reasons["empty"] and "only whitespace" in reasons["blank"]
    assert "binary" in reasons["binary"] and "no other encoding explains it" in reasons["garbled"]
    assert "is too long (1,000,005 characters; the limit is 1,000,000)" in reasons["huge"]
    # Same text as the seed once decoded, so cached; the encoding warning belongs to this input only.
    assert any("decoded as" in w for w in got["cp1252"]["summary"]["warnings"])
    assert not any("decoded as" in w for w in got["good1"]["summary"]["warnings"] + got["rec-text"]["summary"]["warnings"])
    assert "batch.jsonl:2: is not valid JSON" in reasons["line-2"] and "none of the fields" in reasons["rec-none"]
    # Not an article: the model's answers are not in it, so nothing is invented.
    notes = got["notes"]["summary"]
    assert notes["parties"] == [] and notes["chairs"] == [] and notes["quotes"] == [] and notes["rejected"]
    # HTML: main text only, title kept.
    assert got["page"]["summary"]["parties"] and "Menu" not in json.dumps(got["page"]["summary"]["quotes"])
    errors = [line for line in done.stderr.splitlines() if ": error (" in line]
    assert len(errors) == 7
    assert "ok 4 · failed 7 · skipped 3 (cached)" in done.stderr
    assert SECRET not in done.stdout + done.stderr

    logs = subprocess.run(cli("logs", "--json", "--db", str(db), "--limit", "100"), capture_output=True, text=True)
    calls = [json.loads(line) for line in logs.stdout.splitlines()]
    assert len(calls) == 4 and {c["model"] for c in calls} == {"scripted"} and all(c["prompt_tokens"] == 10 for c in calls)
    assert SECRET not in logs.stdout and SECRET not in db.read_bytes().decode("utf-8", "replace")


def test_interrupted_run_resumes_without_redoing_finished_articles(tmp_path: Path, seed_text: str) -> None:
    d = tmp_path / "in"
    d.mkdir()
    for i in range(12):
        (d / f"a{i:02d}.txt").write_text(seed_text + f"\n\nNote number {i}.")
    db = tmp_path / "ledger.sqlite"
    with ScriptedServer([("answer", SEED_DRAFT)], delay=0.4) as server:
        proc = interruptible(batch(server, db, str(d)))
        first = [proc.stdout.readline() for _ in range(4)]
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
        assert "interrupted" in err
        done_before = {json.loads(line)["id"] for line in first + rest.splitlines() if line.strip()}
        assert 4 <= len(done_before) < 12
        asked_before = len(server.requests)

        again = subprocess.run(batch(server, db, str(d)), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    got = records(again.stdout)
    assert len(got) == 12
    assert {k for k, v in got.items() if v["status"] == "skipped"} == done_before
    assert all(v["status"] == "ok" for k, v in got.items() if k not in done_before)
    assert len(server.requests) - asked_before == 12 - len(done_before), "finished articles were not redone"


def test_workers_run_articles_concurrently_and_out_dir(tmp_path: Path, seed_text: str) -> None:
    d = tmp_path / "in"
    d.mkdir()
    for i in range(8):
        (d / f"b{i}.txt").write_text(seed_text + f"\n\nVariant {i}.")
    out = tmp_path / "out"
    with ScriptedServer([("answer", SEED_DRAFT)], delay=0.3) as server:
        done = subprocess.run(batch(server, tmp_path / "l.sqlite", str(d), "--workers", "4", "--out", str(out),
                                    "--format", "md"), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert 2 <= server.max_in_flight <= 4
    assert sorted(p.name for p in out.iterdir()) == [f"b{i}.md" for i in range(8)]
    assert "## Parties" in (out / "b0.md").read_text()


def test_single_input_keeps_exit_codes(tmp_path: Path) -> None:
    empty = tmp_path / "e.txt"
    empty.write_bytes(b"")
    done = subprocess.run(cli("summarise", str(empty), "--db", str(tmp_path / "l.sqlite")), capture_output=True,
                          text=True, env={**os.environ}, timeout=120)
    assert done.returncode == 3 and done.stderr.strip() == f"communique: error: {empty}: is empty"


def test_cost_of_priced_openai_models() -> None:
    from communique.runs.records import Stats

    stats = Stats(ok=1, prompt_tokens=1_000_000, completion_tokens=100_000)
    assert stats.cost("openai", "gpt-4o-mini") == 0.15 + 0.06
    assert "cost $0.2100" in stats.line("openai", "gpt-4o-mini")
    assert stats.cost("local", "qwen2.5-coder-1.5b") is None and "cost" not in stats.line("local", "x")
