"""Plumbing: the CLI's error handling and commands (no model is loaded by any test here)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from communique.drafts import Draft, DraftParty, DraftQuote
from communique.grounding import ground
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
