"""Plumbing: the CLI's error handling and commands (no model is loaded by any test here)."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from communique.pipeline.drafts import Draft, DraftParty, DraftQuote
from communique.pipeline.grounding import ground
from communique.outputs import render
from communique.schema.v1 import Provenance, Summary
from conftest import cli


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(cli(*args), capture_output=True, input=stdin, timeout=120)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "is empty"),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "looks like a binary file"),
        ("garbled.txt", bytes(range(128, 256)) * 3, "no other encoding explains it"),
        ("missing.txt", None, "no such file"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_3(tmp_path: Path, name: str, content: bytes | None, reason: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    done = run("summarise", str(path))
    assert done.returncode == 3
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"communique: error: {path}: ") and reason in lines[0]
    assert done.stdout == b""


def test_empty_stdin() -> None:
    done = run("summarise", "-", stdin=b"")
    assert done.returncode == 3 and b"<stdin>: is empty" in done.stderr


def test_bad_options_exit_2(seed_path: Path) -> None:
    done = run("summarise", str(seed_path), "--format", "pdf")
    assert done.returncode == 2 and b"unknown --format 'pdf'" in done.stderr
    done = run("summarise", str(seed_path), "--prompt-version", "99")
    assert done.returncode == 2 and b"unknown prompt version summarise@99" in done.stderr
    done = run("summarise", str(seed_path), "--backend", "carrier-pigeon")
    assert done.returncode == 2 and b"unknown backend 'carrier-pigeon'" in done.stderr


def test_openai_without_key_or_server_exit_4(seed_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    done = subprocess.run(cli("summarise", str(seed_path), "--backend", "openai"), capture_output=True, env=env, timeout=120)
    assert done.returncode == 4 and b"OPENAI_API_KEY" in done.stderr


def test_prompts_list_shows_released_versions() -> None:
    done = run("prompts", "list")
    assert done.returncode == 0
    out = done.stdout.decode()
    assert "summarise@1" in out and "single-call" in out and "yes" in out


def test_markdown_output(seed_text: str) -> None:
    g = ground(seed_text, Draft(
        parties=[DraftParty(name="Israel"), DraftParty(name="Morocco")],
        quotes=[DraftQuote(text="carrying common interests and based on trust and mutual support", speaker="Doukur Darmy")],
    ))
    summary = Summary(parties=g.parties, quotes=g.quotes, provenance=Provenance(
        prompt_id="summarise", prompt_version="1", prompt_hash="sha256:x", backend="replay", model="m",
        article_sha256="0" * 64, communique_version="0"))
    md = render(summary, "md")
    assert "- **Israel** (country)" in md and "> carrying common interests" in md and "— Doukur Darmy" in md
    assert render(summary, "json").startswith("{")


def latin1_article(seed_text: str) -> str:
    """The seed with straight quotes (its curly ones are not in Latin-1) and a line of accented words."""
    text = seed_text.translate(str.maketrans("‘’“”", "''\"\""))
    return text + "\n\nLes délégations se retrouveront à Zürich, puis à Genève, en décembre.\n"


@pytest.mark.parametrize("encoding", ["latin-1", None])
def test_stdin_bytes_are_decoded_as_a_file_is(tmp_path: Path, seed_text: str, encoding: str | None) -> None:
    """Latin-1 bytes on stdin: with --encoding they are read in it and no guess is made; without it,
    the encoding is detected and the summary warns. Either way the model gets the accented words."""
    from scripted_server import SEED_DRAFT, ScriptedServer

    text = latin1_article(seed_text)
    args = ["summarise", "-", "--backend", "openai", "--model", "scripted", "--mode", "json", "--prompt-version", "1",
            "--api-key", "sk-test", "--db", str(tmp_path / "ledger.sqlite"), *(["--encoding", encoding] if encoding else [])]
    with ScriptedServer([("answer", SEED_DRAFT)]) as server:
        done = run(*args, "--base-url", server.base_url, stdin=text.encode("latin-1"))
    assert done.returncode == 0, done.stderr.decode()
    sent = json.dumps(server.requests[0]["body"]["messages"], ensure_ascii=False)
    assert "se retrouveront à Zürich, puis à Genève" in sent
    summary = json.loads(done.stdout)
    assert summary["provenance"]["article_sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    decoded_as = [w for w in summary["warnings"] if "decoded as" in w]
    assert decoded_as == [] if encoding else len(decoded_as) == 1


def test_stdin_in_the_wrong_encoding_is_refused(seed_text: str) -> None:
    done = run("summarise", "-", "--encoding", "ascii", stdin=latin1_article(seed_text).encode("latin-1"))
    assert done.returncode == 3, done.stderr.decode()
    assert b"communique: error: <stdin>: is not valid ascii (byte 0xe9 at offset" in done.stderr


def test_stdin_jsonl_is_every_record(tmp_path: Path, seed_text: str) -> None:
    """JSON Lines on stdin are a batch, one record per line, even when stdin is the only input."""
    from scripted_server import SEED_DRAFT, ScriptedServer

    lines = [json.dumps({"id": "one", "text": seed_text}), json.dumps({"id": "two", "text": seed_text + "\n\nMore."})]
    with ScriptedServer([("answer", SEED_DRAFT)]) as server:
        done = run("summarise", "-", "--backend", "openai", "--base-url", server.base_url, "--model", "scripted",
                   "--mode", "json", "--prompt-version", "1", "--api-key", "sk-test", "--db", str(tmp_path / "ledger.sqlite"),
                   stdin="\n".join(lines).encode("utf-8"))
    assert done.returncode == 0, done.stderr.decode()
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["id"], r["status"]) for r in records] == [("one", "ok"), ("two", "ok")]


def test_bad_prompt_version_or_deadline_fails_before_the_ledger_is_opened(tmp_path: Path) -> None:
    """The call log wraps the backend as the summariser builds it: a prompt version or a deadline that
    fails its check stops the command with exit 2 before the ledger file is created."""
    from typer.testing import CliRunner

    from communique.cli import app

    article = tmp_path / "a.txt"
    article.write_text("Officials of Chile and Peru met in Lima on Friday to review the customs pact.", encoding="utf-8")
    for bad in (["--prompt-version", "99"], ["--deadline", "-5"]):
        db = tmp_path / f"ledger{len(bad[1])}.sqlite"
        done = CliRunner().invoke(app, ["summarise", str(article), "--db", str(db), *bad])
        assert done.exit_code == 2, done.output
        assert not db.exists()
