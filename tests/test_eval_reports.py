"""Plumbing of `communique eval`: reports, gate, and the HTML page in a real headless Chromium.

The model's answers here come from the scripted loopback server (no model runs), or from the
recordings in evals/recordings (replay). Model behaviour is measured by the live eval, not here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, cli
from scripted_server import SEED_DRAFT as DRAFT
from scripted_server import ScriptedServer

SUITE = ROOT / "evals"


def make_suite(tmp_path: Path, article: str, gold: dict) -> Path:
    suite = tmp_path / "suite"
    (suite / "cases" / "one").mkdir(parents=True)
    (suite / "cases" / "one" / "article.txt").write_text(article, encoding="utf-8")
    (suite / "cases" / "one" / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    shutil.copy(SUITE / "suite.toml", suite / "suite.toml")
    return suite


def run_eval(suite: Path, out: Path, server: ScriptedServer, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli("eval", "--suite", str(suite), "--out", str(out), "--backend", "openai", "--base-url", server.base_url,
            "--mode", "json", "--model", "scripted", "--prompt-version", "1", "--live", *extra),
        capture_output=True, text=True, timeout=300,
    )


def seed_gold() -> dict:
    return json.loads((SUITE / "cases" / "seed" / "gold.json").read_text(encoding="utf-8"))


def test_four_reports_and_the_gate(tmp_path: Path, seed_text: str) -> None:
    suite = make_suite(tmp_path, seed_text, seed_gold())
    out = tmp_path / "out"
    with ScriptedServer([("answer", DRAFT)]) as server:
        done = run_eval(suite, out, server, "--update-baseline")
        assert done.returncode == 0, done.stderr
        assert {p.name for p in out.iterdir()} == {"report.md", "junit.xml", "scores.json", "report.html", "summaries"}
        assert [p.name for p in (out / "summaries").iterdir()] == ["one.json"]  # what the case produced
        md = (out / "report.md").read_text()
        assert "| parties | 1.000 | 1.000 | **1.000** |" in md and "| one |" in md
        scores = json.loads((out / "scores.json").read_text())
        assert scores["cases"][0]["fields"]["quotes_e2e"]["tp"] == 1
        junit = (out / "junit.xml").read_text()
        assert 'classname="eval.one" name="quotes"' in junit and "<failure" in junit  # 1 of 6 quotes < 0.9
        assert (suite / "baseline.json").exists()

        # Same answers: the gate passes.
        done = run_eval(suite, out, server, "--gate")
        assert done.returncode == 0, done.stderr

        # A speaker alias removed from the gold: the gate fails and names the field and the case.
        gold = seed_gold()
        for q in gold["quotes"]:
            q["speakers"] = [s for s in q["speakers"] if "Israel" not in s]
        (suite / "cases" / "one" / "gold.json").write_text(json.dumps(gold))
        done = run_eval(suite, out, server, "--gate")
    assert done.returncode == 7
    assert "communique: gate: quotes_e2e" in done.stderr and "one (" in done.stderr
    assert "Regression gate: FAILED" in (out / "report.md").read_text()


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium is not installed: .ci/run installs it (apt-get install chromium)")
    return path


CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def test_html_report_in_headless_chromium(tmp_path: Path, seed_text: str) -> None:
    hostile = seed_text + '\n\n<script>document.title="PWNED";document.body.innerHTML="PWNED"</script> <b>bold?</b>'
    suite = make_suite(tmp_path, hostile, seed_gold())
    out = tmp_path / "out"
    with ScriptedServer([("answer", DRAFT)]) as server:
        done = run_eval(suite, out, server)
    assert done.returncode == 0, done.stderr
    page = (out / "report.html").as_uri()
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run([chromium(), *CHROME_FLAGS, *profile, "--dump-dom", page],
                         capture_output=True, text=True, timeout=120).stdout
    assert "<title>communique eval" in dom, "the script in the article did not run"
    assert "&lt;script&gt;document.title" in dom and "<b>bold?</b>" not in dom, "article text shown as text"
    assert 'class="pred-quote"' in dom and 'class="gold-quote"' in dom
    assert 'id="spans"' in dom and 'id="speaker-confusion"' in dom, "the span and speaker tables render"

    shot = tmp_path / "report.png"
    subprocess.run([chromium(), *CHROME_FLAGS, *profile, f"--screenshot={shot}", "--window-size=1200,1600", page],
                   capture_output=True, timeout=120)
    from PIL import Image

    image = Image.open(shot).convert("RGB")
    colours = dict((colour, count) for count, colour in image.getcolors(maxcolors=1 << 24))
    highlight = colours.get((0xCD, 0xE8, 0xFF), 0)
    assert highlight > 500, f"predicted-quote highlight visible in the screenshot ({highlight} px)"


def test_summary_html_output_escapes_the_article(tmp_path: Path, seed_text: str) -> None:
    hostile = seed_text + '\n\n<img src=x onerror="document.title=\'PWNED\'"><script>document.title="PWNED"</script>'
    article = tmp_path / "hostile.txt"
    article.write_text(hostile)
    with ScriptedServer([("answer", DRAFT)]) as server:
        done = subprocess.run(
            cli("summarise", str(article), "--format", "html", "--backend", "openai", "--base-url", server.base_url,
                "--model", "scripted", "--mode", "json", "--prompt-version", "1", "--db", str(tmp_path / "l.sqlite")),
            capture_output=True, text=True, timeout=120,
        )
    assert done.returncode == 0, done.stderr
    page = tmp_path / "summary.html"
    page.write_text(done.stdout)
    dom = subprocess.run([chromium(), *CHROME_FLAGS, f"--user-data-dir={tmp_path / 'p'}", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert "PWNED" not in dom.split("<body>")[0], "no script or handler from the article ran"
    assert "&lt;script&gt;" in dom and "&lt;img" in dom
    assert dom.count('class="pred-quote"') == 1 and 'class="party"' in dom
