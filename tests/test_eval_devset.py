"""Plumbing of `communique eval --cases DIR` on a dev-set folder (articles/ + golden/).

Every article here is a small made-up text written for these tests (no real article, no recording of
one): the answers come from a fake summariser in-process, or from the scripted loopback server through
the real CLI. Model behaviour is measured by the live eval, not here.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from conftest import ROOT, cli
from scripted_server import ScriptedServer

from communique.errors import BackendUnavailable, ConfigError
from communique.evaluation import reports
from communique.evaluation import suite as ev
from communique.inputs import Article
from communique.schema.v1 import Chair, Domain, DomainLabel, Party, Provenance, Quote, Span, Summary

ARTICLE_A = """source: https://example.org/news/freedonia-sylvania-fisheries
title: Freedonia and Sylvania agree on joint fisheries patrols

The third Joint Fisheries Commission of Freedonia and Sylvania met in Port Vale on Monday. It was co-chaired by Rear Admiral Ana Kessel of Freedonia and Director Tomas Varga of Sylvania.

\u201cWe will patrol the shared waters together,\u201d Kessel said. The delegations also discussed drug trafficking and port security.

Varga called the talks "frank and useful" and said that
[partial]
"""

GOLD_A: dict[str, Any] = {
    "id": "a_fisheries",
    "parties": [{"name": "Freedonia", "aliases": ["Freedonian"]}, {"name": "Sylvania", "aliases": []}],
    "chairs": [
        {"name": "Ana Kessel", "aliases": ["Kessel"], "title": "Rear Admiral", "party": "Freedonia"},
        {"name": "Tomas Varga", "aliases": ["Varga"], "title": "Director", "party": "Sylvania"},
    ],
    "domains": [
        {"label": "fisheries patrols", "aliases": ["patrol the shared waters", "fisheries"]},
        {"label": "drug trafficking", "aliases": ["narcotics"]},
    ],
    "quotes": [
        {"text": "We will patrol the shared waters together,", "speaker": "Ana Kessel", "speaker_aliases": ["Kessel", "Freedonia"]},
    ],
    "optional": {
        "parties": [],
        "chairs": [],
        "domains": [{"label": "port security", "aliases": []}],
        "quotes": [{"text": "frank and useful", "speaker": "Tomas Varga", "speaker_aliases": ["Varga"]}],
    },
}

ARTICLE_B = """source: https://example.org/news/ruritania-wine
title: (no headline)

Ministers of Ruritania and Grand Fenwick met in Strelsau on Friday to talk about wine trade and tourism.

"Our vineyards are open to visitors," said Rudolf Elphberg, Ruritania's trade minister.
"""

GOLD_B: dict[str, Any] = {
    "id": "b_wine",
    "parties": [{"name": "Ruritania", "aliases": []}, {"name": "Grand Fenwick", "aliases": []}],
    "chairs": [],
    "domains": [{"label": "wine trade", "aliases": ["trade"]}, {"label": "tourism", "aliases": ["visitors"]}],
    "quotes": [
        {"text": "Our vineyards are open to visitors,", "speaker": "Rudolf Elphberg",
         "speaker_aliases": ["Elphberg", "Ruritania's trade minister"]},
    ],
    "optional": {"parties": [], "chairs": [], "domains": [], "quotes": []},
}


def make_devset(tmp_path: Path, golds: dict[str, dict[str, Any]] | None = None) -> Path:
    folder = tmp_path / "devset"
    (folder / "articles").mkdir(parents=True)
    (folder / "golden").mkdir()
    for name, article, gold in (("a_fisheries", ARTICLE_A, GOLD_A), ("b_wine", ARTICLE_B, GOLD_B)):
        (folder / "articles" / f"{name}.txt").write_text(article, encoding="utf-8")
        gold = (golds or {}).get(name, gold)
        (folder / "golden" / f"{name}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return folder


# -- loading -----------------------------------------------------------------------------------------

def test_devset_folder_loads_bodies_metadata_and_gold(tmp_path: Path) -> None:
    folder = make_devset(tmp_path)
    assert ev.folder_kind(folder) == ev.DEVSET and ev.folder_kind(ROOT / "evals") == ev.SUITE
    a, b = ev.load_cases(folder)
    assert (a.id, b.id) == ("a_fisheries", "b_wine")

    assert a.article.startswith("The third Joint Fisheries Commission")
    assert a.article.endswith("and said that\n")
    for header in ("source:", "title:", "example.org", "agree on joint fisheries patrols", "[partial]"):
        assert header not in a.article, f"{header!r} is not part of the body"
    assert a.metadata == {"url": "https://example.org/news/freedonia-sylvania-fisheries",
                          "title": "Freedonia and Sylvania agree on joint fisheries patrols", "partial": True}
    assert b.article.startswith("Ministers of Ruritania") and b.article.endswith("trade minister.\n")
    assert b.metadata == {"url": "https://example.org/news/ruritania-wine", "partial": False}, "(no headline) is no title"

    quotes = a.gold["quotes"]
    assert quotes[0] == {"text": "We will patrol the shared waters together,", "speakers": ["Ana Kessel", "Kessel", "Freedonia"]}
    assert quotes[1] == {"text": "frank and useful", "speakers": ["Tomas Varga", "Varga"], "optional": True}
    assert a.gold["domains"][-1] == {"label": "port security", "aliases": [], "optional": True}
    assert not any(d.get("optional") for d in a.gold["domains"][:2])

    assert [c.id for c in ev.load_cases(folder, ["b_wine"])] == ["b_wine"]
    with pytest.raises(ConfigError, match="unknown case"):
        ev.load_cases(folder, ["nope"])


def test_devset_folder_problems_are_named(tmp_path: Path) -> None:
    folder = make_devset(tmp_path)
    (folder / "articles" / "c_orphan.txt").write_text(ARTICLE_B, encoding="utf-8")
    with pytest.raises(ConfigError, match="c_orphan"):
        ev.load_cases(folder)
    (folder / "articles" / "c_orphan.txt").unlink()
    (folder / "articles" / "b_wine.txt").write_text("Just a body with no header lines.\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="b_wine.txt: expected the lines `source: URL`"):
        ev.load_cases(folder)
    bad_gold = {**GOLD_B, "quotes": [{"text": "Our vineyards are open to visitors,"}]}  # no speaker
    (folder / "articles" / "b_wine.txt").write_text(ARTICLE_B, encoding="utf-8")
    (folder / "golden" / "b_wine.json").write_text(json.dumps(bad_gold), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"b_wine.json: quotes\[0\]"):
        ev.load_cases(folder)
    with pytest.raises(ConfigError, match="neither an eval suite"):
        ev.folder_kind(tmp_path)


def test_settings_from_the_folder_else_the_suite(tmp_path: Path) -> None:
    folder = make_devset(tmp_path)
    fallback = ev.Settings.load(folder, fallback=ROOT / "evals")
    assert fallback.thresholds["chairs"] == 0.90 and fallback.tolerance == 0.05, "evals/suite.toml"
    (folder / "suite.toml").write_text("[thresholds]\nchairs = 0.5\n[gate]\ntolerance = 0.2\n", encoding="utf-8")
    own = ev.Settings.load(folder, fallback=ROOT / "evals")
    assert own.thresholds["chairs"] == 0.5 and own.tolerance == 0.2


def test_recordings_default_only_when_present(tmp_path: Path) -> None:
    folder = make_devset(tmp_path)
    assert ev.default_recordings(folder) is None
    assert ev.default_recordings(ROOT / "evals") == ROOT / "evals" / "recordings"
    (folder / "recordings").mkdir()
    assert ev.default_recordings(folder) == folder / "recordings"
    with pytest.raises(ConfigError, match="--recordings"):
        ev.eval_backend("openai", "m", recordings=None, live=False, record=False)


# -- running, scoring and reporting in-process with a fake summariser --------------------------------

PROV = Provenance(prompt_id="fake", prompt_version="1", prompt_hash="h", backend="fake", model="fake-model",
                  article_sha256="0", communique_version="0")


def span(body: str, text: str, shift: int = 0) -> Span:
    start = body.index(text) + shift
    return Span(start=start, end=start + len(text) - shift, text=body[start:start + len(text) - shift])


class FakeSummariser:
    """What suite.run needs of a Summariser: summarise(article), .prompt and .backend."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.seen: dict[str, Article] = {}
        self.prompt = SimpleNamespace(key="fake@1", hash="sha256:0")
        self.backend = SimpleNamespace(name="fake", model="fake-model")

    def summarise(self, article: Article) -> Summary:
        self.seen[article.id] = article
        answer = self.answers[article.id]
        if isinstance(answer, Exception):
            raise answer
        return answer(article.text)


def perfect_a(body: str, speaker: str = "Kessel") -> Summary:
    quote = "We will patrol the shared waters together,"
    return Summary(
        provenance=PROV,
        parties=[Party(name="Freedonia"), Party(name="Sylvania")],
        chairs=[Chair(name="Ana Kessel"), Chair(name="Tomas Varga")],
        domains=[Domain(label=DomainLabel.maritime_security, wording="patrol the shared waters"),
                 Domain(label=DomainLabel.other, wording="drug trafficking"),
                 Domain(label=DomainLabel.other, wording="port security")],  # optional: no reward, no penalty
        quotes=[Quote(text=quote, speaker=speaker, span=span(body, quote)),
                Quote(text="frank and useful", speaker="Varga", span=span(body, "frank and useful"))],  # optional
    )


def test_run_reads_only_the_body_and_scores_optional_items(tmp_path: Path) -> None:
    cases = ev.load_cases(make_devset(tmp_path), ["a_fisheries"])
    fake = FakeSummariser({"a_fisheries": perfect_a})
    run = ev.run(fake, cases)  # type: ignore[arg-type]
    seen = fake.seen["a_fisheries"]
    assert seen.text == cases[0].article and "title:" not in seen.text and "[partial]" not in seen.text
    assert seen.metadata["title"] == "Freedonia and Sylvania agree on joint fisheries patrols"
    assert seen.metadata["url"] == "https://example.org/news/freedonia-sylvania-fisheries"
    score = run.results[0].score
    assert score is not None
    assert {f: (s.tp, s.fp, s.fn) for f, s in score.fields.items()} == {
        "parties": (2, 0, 0), "chairs": (2, 0, 0), "domains": (2, 0, 0), "quotes": (1, 0, 0), "quotes_e2e": (1, 0, 0),
    }, "predictions of optional items (a domain, a quote) are neither true nor false positives"
    assert (score.spans["exact"].tp, score.spans["exact"].fp, score.spans["exact"].fn) == (1, 0, 0)

    def without_optional(body: str) -> Summary:
        s = perfect_a(body)
        return s.model_copy(update={"quotes": s.quotes[:1], "domains": s.domains[:2]})

    again = ev.run(FakeSummariser({"a_fisheries": without_optional}), cases)  # type: ignore[arg-type]
    assert again.results[0].score is not None
    assert all(s.f1 == 1.0 for s in again.results[0].score.fields.values()), "missing optional items are not misses"


def test_reports_show_spans_confusion_and_error_rows(tmp_path: Path) -> None:
    cases = ev.load_cases(make_devset(tmp_path))
    hostile = '<img src=x onerror="document.title=1">'

    def shifted_a(body: str) -> Summary:
        s = perfect_a(body, speaker=hostile)
        quote = s.quotes[0]
        # Starts 3 characters late: an overlap, not an exact span.
        s.quotes[0] = quote.model_copy(update={"span": span(body, quote.text, shift=3)})
        return s

    fake = FakeSummariser({"a_fisheries": shifted_a, "b_wine": BackendUnavailable("the fake backend is down")})
    run = ev.run(fake, cases)  # type: ignore[arg-type]
    assert [r.error for r in run.results] == [None, "the fake backend is down"]

    paths = reports.write_all(run, tmp_path / "out", {"quotes": 0.9})
    scores = json.loads(paths["json"].read_text(encoding="utf-8"))
    totals = scores["totals"]
    # b_wine failed, so its gold quote is missed too.
    assert (totals["spans"]["exact"]["tp"], totals["spans"]["exact"]["fp"], totals["spans"]["exact"]["fn"]) == (0, 1, 2)
    assert (totals["spans"]["overlap"]["tp"], totals["spans"]["overlap"]["fp"]) == (1, 0)
    assert totals["speaker_confusion"] == [{"gold": "Ana Kessel", "predicted": hostile, "right": False, "count": 1}]
    assert scores["errors"] == {"b_wine": "the fake backend is down"}

    md = paths["markdown"].read_text(encoding="utf-8")
    assert "| exact span | 0.000 | 0.000 | **0.000** | 0 | 1 | 2 |" in md
    assert "| overlap span (≥ half the shorter) | 1.000 | 0.500 | **0.667** | 1 | 0 | 1 |" in md
    assert f"| Ana Kessel | {hostile} | 1 | ❌ |" in md
    assert "- **b_wine**: error: the fake backend is down" in md and "| b_wine | error |" in md
    assert '<error message="the fake backend is down"' in paths["junit"].read_text(encoding="utf-8")

    html = paths["html"].read_text(encoding="utf-8")
    assert "<img src=x" not in html and "&lt;img src=x onerror=" in html, "a predicted speaker is escaped"
    assert 'id="speaker-confusion"' in html and '<tr class="wrong"><td>Ana Kessel</td>' in html
    assert "body cut off [partial]" in html and "source: https://example.org/news/freedonia-sylvania-fisheries" in html
    assert "error: the fake backend is down" in html


def test_a_case_that_crashes_is_an_error_row(tmp_path: Path) -> None:
    cases = ev.load_cases(make_devset(tmp_path))
    run = ev.run(FakeSummariser({"a_fisheries": perfect_a, "b_wine": RuntimeError("boom")}), cases)  # type: ignore[arg-type]
    assert [r.case.id for r in run.failed] == ["b_wine"] and run.failed[0].error == "RuntimeError: boom"
    # The failed case stays in the totals as one that found nothing: each of its gold items is missed.
    fisheries, wine = run.score.cases
    assert (fisheries.case, wine.case) == ("a_fisheries", "b_wine")
    gold = next(c.gold for c in cases if c.id == "b_wine")
    assert wine.fields["parties"].fn == len([p for p in gold["parties"] if not p.get("optional")]) > 0
    assert all(f.tp == 0 and f.fp == 0 for f in wine.fields.values())
    assert run.score.micro()["parties"].recall < 1.0


def test_an_eval_whose_cases_all_fail_scores_nothing_and_exits_8(tmp_path: Path) -> None:
    """Replaying from a folder with no recordings fails every case: the totals must not read as perfect
    (an empty run once scored 1.000 on every field and exited 0)."""
    folder = make_devset(tmp_path)
    empty = tmp_path / "no-recordings"
    empty.mkdir()
    out = tmp_path / "out"
    done = subprocess.run(
        cli("eval", "--cases", str(folder), "--out", str(out), "--backend", "replay", "--recordings", str(empty),
            "--prompt-version", "1"),
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 8, done.stdout + done.stderr
    assert "2 of 2 case(s) failed" in done.stdout + done.stderr
    scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert {f: scores["totals"]["fields"][f]["f1"] for f in ("parties", "chairs", "domains")} == {
        "parties": 0.0, "chairs": 0.0, "domains": 0.0}
    assert set(scores["errors"]) == {"a_fisheries", "b_wine"}
    assert "Each failed case counts as one that found nothing" in (out / "report.md").read_text(encoding="utf-8")


# -- the CLI: --cases DIR --only ..., --baseline, --recordings -----------------------------------------

def draft_for(body: dict[str, Any]) -> str:
    """prompt v1's one-call answer about whichever made-up article the request carries."""
    if "Freedonia" in json.dumps(body["messages"], ensure_ascii=False):
        return json.dumps({
            "parties": [{"name": "Freedonia"}, {"name": "Sylvania"}],
            "chairs": [{"name": "Ana Kessel", "title": "Rear Admiral", "party": "Freedonia"}],
            "domains": [{"label": "other", "wording": "drug trafficking"}],
            "quotes": [{"text": "We will patrol the shared waters together,", "speaker": "Kessel"},
                       {"text": "frank and useful", "speaker": "Varga"}],
            "event": {"kind": "meeting", "location": "Port Vale"},
            "summary": "Freedonia and Sylvania met.",
        })
    return json.dumps({
        "parties": [{"name": "Ruritania"}, {"name": "Grand Fenwick"}],
        "domains": [{"label": "trade", "wording": "wine trade"}, {"label": "tourism", "wording": "tourism"}],
        "quotes": [{"text": "Our vineyards are open to visitors,", "speaker": "Rudolf Elphberg"}],
        "summary": "Ruritania and Grand Fenwick met.",
    })


def run_eval(folder: Path, out: Path, *extra: str, server: ScriptedServer | None = None) -> subprocess.CompletedProcess[str]:
    live = ["--base-url", server.base_url, "--live"] if server else []
    return subprocess.run(
        cli("eval", "--cases", str(folder), "--out", str(out), "--backend", "openai", "--mode", "json",
            "--model", "scripted", "--prompt-version", "1", *live, *extra),
        capture_output=True, text=True, timeout=300,
    )


def test_cli_devset_only_and_external_baseline_gate(tmp_path: Path) -> None:
    folder = make_devset(tmp_path)
    out = tmp_path / "out"
    baseline = tmp_path / "scores" / "devset.baseline.json"
    with ScriptedServer([("call", draft_for)]) as server:
        done = run_eval(folder, out, "--only", "a_fisheries", "--gate", server=server)
        assert done.returncode == 2 and f"--gate needs {folder / 'baseline.json'}" in done.stderr

        done = run_eval(folder, out, "--only", "a_fisheries", "--baseline", str(baseline), "--update-baseline", server=server)
        assert done.returncode == 0, done.stderr
        scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
        assert [c["case"] for c in scores["cases"]] == ["a_fisheries"], "--only picks the case"
        fields = scores["cases"][0]["fields"]
        assert fields["quotes_e2e"]["f1"] == 1.0 and fields["domains"]["tp"] == 1
        assert "| exact span |" in (out / "report.md").read_text(encoding="utf-8")
        written = baseline.read_text(encoding="utf-8")
        assert json.loads(written)["cases"] == {"a_fisheries": {f: fields[f]["f1"] for f in fields}}
        assert "patrol" not in written and "Kessel" not in written, "scores only, never article text"
        assert not (folder / "baseline.json").exists()

        done = run_eval(folder, out, "--only", "a_fisheries", "--baseline", str(baseline), "--gate", server=server)
        assert done.returncode == 0, done.stderr
        assert "Regression gate: passed." in (out / "report.md").read_text(encoding="utf-8")

        # The gold no longer accepts "Kessel" as the speaker: the gate fails, naming the field and the case.
        stricter = {**GOLD_A, "quotes": [{**GOLD_A["quotes"][0], "speaker_aliases": []}]}
        (folder / "golden" / "a_fisheries.json").write_text(json.dumps(stricter), encoding="utf-8")
        done = run_eval(folder, out, "--only", "a_fisheries", "--baseline", str(baseline), "--gate", server=server)
    assert done.returncode == 7, done.stderr
    assert "communique: gate: quotes_e2e" in done.stderr and "a_fisheries (1.00 -> 0.00)" in done.stderr
    assert "Regression gate: FAILED" in (out / "report.md").read_text(encoding="utf-8")


def test_cli_devset_record_then_replay(tmp_path: Path) -> None:
    folder = make_devset(tmp_path)
    recordings = tmp_path / "recordings-outside-the-repo"
    done = run_eval(folder, tmp_path / "out0")
    assert done.returncode == 2 and "--recordings" in done.stderr, "a dev set has no recordings by default"

    with ScriptedServer([("call", draft_for)]) as server:
        done = run_eval(folder, tmp_path / "out1", "--record", "--recordings", str(recordings), server=server)
    assert done.returncode == 0, done.stderr
    assert "do not commit them" in done.stderr and any(recordings.rglob("*.json"))

    done = run_eval(folder, tmp_path / "out2", "--recordings", str(recordings))  # replay: no server
    assert done.returncode == 0, done.stderr
    recorded, replayed = (json.loads((tmp_path / o / "scores.json").read_text(encoding="utf-8")) for o in ("out1", "out2"))
    assert recorded["totals"] == replayed["totals"] and len(replayed["cases"]) == 2

    recordings.rename(folder / "recordings")  # DIR/recordings is the default when it exists
    done = run_eval(folder, tmp_path / "out3")
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "out3" / "scores.json").read_text(encoding="utf-8"))["totals"] == recorded["totals"]


def test_cli_cases_takes_a_folder_and_only_takes_ids(tmp_path: Path) -> None:
    done = subprocess.run(cli("eval", "--cases", "seed,no_quotes", "--out", str(tmp_path / "out")),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "case ids go in --only" in done.stderr
    done = subprocess.run(cli("eval", "--suite", str(ROOT / "evals"), "--only", "nope", "--out", str(tmp_path / "out")),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "unknown case(s): nope" in done.stderr


def test_comparison_rows_include_span_figures(tmp_path: Path) -> None:
    cases = ev.load_cases(make_devset(tmp_path), ["a_fisheries"])
    exact = ev.run(FakeSummariser({"a_fisheries": perfect_a}), cases)  # type: ignore[arg-type]

    def late(body: str) -> Summary:
        s = perfect_a(body)
        s.quotes[0] = s.quotes[0].model_copy(update={"span": span(body, s.quotes[0].text, shift=3)})
        return s

    shifted = ev.run(FakeSummariser({"a_fisheries": late}), cases)  # type: ignore[arg-type]
    rows = {row[0]: row[1:] for row in reports.comparison([exact, shifted])}
    assert rows["exact span"] == ["1.000", "0.000", "-1.000"]
    assert rows["overlap span"] == ["1.000", "1.000", "+0.000"]


def test_gate_on_totals_only_lets_one_small_case_move() -> None:
    """--gate-totals: a case that lost one of its two chairs (1.00 -> 0.67) does not fail the gate when
    the micro total holds within the tolerance; a case that failed outright still does."""
    from communique.evaluation.scoring import CaseScore, FieldScore
    from communique.evaluation.suite import Case, CaseResult, SuiteRun, gate

    def result(case_id: str, chairs_tp: int, chairs_fn: int) -> CaseResult:
        fields = {f: FieldScore(tp=10) for f in ("parties", "domains", "quotes", "quotes_e2e")}
        fields["chairs"] = FieldScore(tp=chairs_tp, fn=chairs_fn)
        return CaseResult(Case(case_id, "text", {}, Path(".")), None, None, CaseScore(case_id, fields))

    before = SuiteRun("b", [result(f"c{i}", 10 if i else 2, 0) for i in range(10)])
    after = SuiteRun("a", [result("c0", 1, 1), *[result(f"c{i}", 10, 0) for i in range(1, 10)]])
    from communique.evaluation.suite import baseline_of
    baseline = baseline_of(before)
    assert gate(after, baseline, 0.05) and "c0 (1.00 -> 0.67)" in gate(after, baseline, 0.05)[0]
    assert gate(after, baseline, 0.05, per_case=False) == []
    failed = SuiteRun("f", [CaseResult(Case("c0", "text", {}, Path(".")), None, "boom", None),
                            *[result(f"c{i}", 10, 0) for i in range(1, 10)]])
    assert any("c0 (failed)" in p for p in gate(failed, baseline, 0.05, per_case=False))
