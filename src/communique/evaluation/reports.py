"""Eval reports: Markdown (for a CI job summary), JUnit XML, JSON with every score, one HTML page."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jinja2

from ..pipeline.grounding import Grounder
from ..outputs import Mark, segments, summary_marks
from .scoring import FIELDS, SPAN_FIGURES, gold_span
from .suite import CaseResult, SuiteRun

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("communique", "templates"),
    autoescape=jinja2.select_autoescape(["html", "html.j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _cell(value: object) -> str:
    """Text safe inside a Markdown table cell: no pipe ends the cell, no newline ends the row."""
    return " ".join(str(value).split()).replace("|", "\\|")


_env.filters["cell"] = _cell


def write_all(run: SuiteRun, folder: Path, thresholds: dict[str, float], gate: list[str] | None = None) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "markdown": folder / "report.md",
        "junit": folder / "junit.xml",
        "json": folder / "scores.json",
        "html": folder / "report.html",
    }
    paths["markdown"].write_text(markdown(run, thresholds, gate), encoding="utf-8")
    paths["junit"].write_bytes(junit(run, thresholds))
    paths["json"].write_text(json.dumps(as_json(run, gate), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths["html"].write_text(html(run), encoding="utf-8")
    paths["summaries"] = folder / "summaries"  # what each case produced, to read next to the report
    paths["summaries"].mkdir(exist_ok=True)
    for r in run.results:
        if r.summary is not None:
            (paths["summaries"] / f"{r.case.id}.json").write_text(r.summary.model_dump_json(indent=2), encoding="utf-8")
    return paths


def as_json(run: SuiteRun, gate: list[str] | None = None) -> dict[str, Any]:
    return {
        "label": run.label,
        "meta": run.meta,
        **run.score.as_dict(),
        "errors": {r.case.id: r.error for r in run.failed},
        "seconds": {r.case.id: round(r.seconds, 2) for r in run.results},
        "gate": gate,
    }


def markdown(run: SuiteRun, thresholds: dict[str, float], gate: list[str] | None = None) -> str:
    return _env.get_template("eval.md.j2").render(
        run=run, totals=run.score.totals(), fields=FIELDS, thresholds=thresholds, gate=gate,
        scores={r.case.id: r.score for r in run.results}, span_figures=SPAN_FIGURES,
    )


def junit(run: SuiteRun, thresholds: dict[str, float]) -> bytes:
    """A testcase per case x field, failing when the field's F1 is below its threshold."""
    suite = ET.Element("testsuite", name=f"communique eval {run.label}")
    failures = errors = tests = 0
    for r in run.results:
        for f in FIELDS:
            tests += 1
            tc = ET.SubElement(suite, "testcase", classname=f"eval.{r.case.id}", name=f, time=f"{r.seconds:.2f}")
            if r.score is None:
                errors += 1
                ET.SubElement(tc, "error", message=r.error or "no summary")
                continue
            s = r.score.fields[f]
            if s.f1 < thresholds.get(f, 0.0):
                failures += 1
                detail = f"missed: {s.missed}; extra: {s.extra}"
                ET.SubElement(tc, "failure", message=f"{f} F1 {s.f1:.2f} < threshold {thresholds[f]:.2f}").text = detail
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    return ET.tostring(suite, encoding="utf-8", xml_declaration=True)


# -- HTML: each article with gold and predicted spans highlighted --------------------------------

def marks_for(r: CaseResult) -> list[Mark]:
    g = Grounder(r.case.article)
    marks: list[Mark] = []
    gold = r.case.gold

    def add_gold(texts: list[str], kind: str, label: str, words: bool = False) -> None:
        for text in texts:  # the first form found in the article
            span = g.locate(text, fuzzy=False, words=words) if text else None
            if span:
                marks.append(Mark(span.start, span.end, kind, label))
                return

    def optional(item: dict[str, object]) -> str:
        return " (optional)" if item.get("optional") else ""

    for q in gold.get("quotes", []):
        where = gold_span(r.case.article, q["text"])  # the span the span figures use
        if where:
            marks.append(Mark(where[0], where[1], "gold-quote", f"gold quote — {q['speakers'][0]}{optional(q)}"))
    for c in gold.get("chairs", []):
        add_gold([c["name"], *c.get("aliases", [])], "gold-name", f"gold chair — {c.get('title') or ''}{optional(c)}")
    for d in gold.get("domains", []):
        forms = [d["wording"]] if d.get("wording") else [d["label"], *d.get("aliases", [])]
        add_gold(forms, "gold-domain", f"gold domain — {d['label']}{optional(d)}", words=not d.get("wording"))
    if r.summary is not None:
        marks += [m for m in summary_marks(r.summary) if m.kind != "party"]
    return marks


def html(run: SuiteRun) -> str:
    cases = [
        {"result": r, "segments": segments(r.case.article, marks_for(r)), "score": r.score}
        for r in run.results
    ]
    return _env.get_template("eval.html.j2").render(
        run=run, totals=run.score.totals(), fields=FIELDS, cases=cases, span_figures=SPAN_FIGURES
    )


def comparison(runs: list[SuiteRun]) -> list[list[str]]:
    """Rows for a side-by-side table: field, then F1 per run, then the change from the first."""
    rows = []
    totals = [r.score.totals() for r in runs]
    for f in FIELDS:
        values = [t["fields"][f]["f1"] for t in totals]
        rows.append([f, *(f"{v:.3f}" for v in values), f"{values[-1] - values[0]:+.3f}"])
    for key in ("attribution_accuracy", "grounding"):
        values = [t[key] for t in totals]
        rows.append([key, *(f"{v:.3f}" for v in values), f"{values[-1] - values[0]:+.3f}"])
    for k in SPAN_FIGURES:
        values = [t["spans"][k]["f1"] for t in totals]
        rows.append([f"{k} span", *(f"{v:.3f}" for v in values), f"{values[-1] - values[0]:+.3f}"])
    inv = [t["invented_chairs"] for t in totals]
    rows.append(["invented_chairs", *(str(v) for v in inv), f"{inv[-1] - inv[0]:+d}"])
    failed = [len(r.failed) for r in runs]
    rows.append(["failed cases", *(str(v) for v in failed), f"{failed[-1] - failed[0]:+d}"])
    secs = [sum(x.seconds for x in r.results) / max(1, len(r.results)) for r in runs]
    rows.append(["seconds/case", *(f"{v:.1f}" for v in secs), f"{secs[-1] - secs[0]:+.1f}"])
    return rows
