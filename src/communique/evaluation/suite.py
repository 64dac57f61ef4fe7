"""The golden-file suite: load cases, run a summariser over them, score, gate against a baseline."""

from __future__ import annotations

import json
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..api import Summariser
from ..backends import Backend, create_backend
from ..backends.replay import RecordingBackend, ReplayBackend
from ..errors import CommuniqueError, ConfigError
from ..inputs import from_text
from ..backends.openai import DEFAULT_OPENAI_MODEL
from ..modelstore import DEFAULT_MODEL, MODELS, resolve
from ..schema.v1 import Summary
from .scoring import FIELDS, CaseScore, SuiteScore, score_case


@dataclass(frozen=True)
class Case:
    id: str
    article: str
    gold: dict[str, Any]
    folder: Path


@dataclass
class Settings:
    thresholds: dict[str, float]
    tolerance: float

    @classmethod
    def load(cls, suite: Path) -> Settings:
        path = suite / "suite.toml"
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        thresholds = {f: 0.0 for f in FIELDS} | data.get("thresholds", {})
        return cls(thresholds=thresholds, tolerance=float(data.get("gate", {}).get("tolerance", 0.05)))


def load_cases(suite: Path, only: list[str] | None = None) -> list[Case]:
    folder = suite / "cases"
    if not folder.is_dir():
        raise ConfigError(f"{suite}: no cases/ folder; is this an eval suite?")
    cases = []
    for gold_path in sorted(folder.glob("*/gold.json")):
        case_dir = gold_path.parent
        if only and case_dir.name not in only:
            continue
        cases.append(
            Case(
                id=case_dir.name,
                article=(case_dir / "article.txt").read_text(encoding="utf-8"),
                gold=json.loads(gold_path.read_text(encoding="utf-8")),
                folder=case_dir,
            )
        )
    if only:
        unknown = set(only) - {c.id for c in cases}
        if unknown:
            raise ConfigError(f"unknown case(s): {', '.join(sorted(unknown))}")
    if not cases:
        raise ConfigError(f"{folder}: no cases found")
    return cases


def eval_backend(
    backend: str, model: str | None, *, suite: Path, live: bool, record: bool, **options: Any
) -> Backend:
    """Replay recorded answers (the default), or run live, optionally recording what the model says."""
    recordings = suite / "recordings"
    if not live and not record:
        if backend == "local":
            name = model or DEFAULT_MODEL
            spec = MODELS.get(name)
            if spec:
                return ReplayBackend(recordings, model=spec.name, model_sha256=spec.sha256)
            resolved = resolve(name)  # any GGUF path: recordings are keyed by its sha256
            return ReplayBackend(recordings, model=resolved.name, model_sha256=resolved.sha256)
        return ReplayBackend(recordings, model=model or DEFAULT_OPENAI_MODEL, model_sha256=None)
    real = create_backend(backend, model=model, **options)
    return RecordingBackend(real, recordings) if record else real


@dataclass
class CaseResult:
    case: Case
    summary: Summary | None
    error: str | None
    score: CaseScore | None
    seconds: float = 0.0


@dataclass
class SuiteRun:
    label: str
    results: list[CaseResult]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def score(self) -> SuiteScore:
        return SuiteScore([r.score for r in self.results if r.score is not None])

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if r.error is not None]


def run(summariser: Summariser, cases: list[Case], *, label: str = "", on_case: Any = None) -> SuiteRun:
    results = []
    for case in cases:
        started = time.perf_counter()
        try:
            summary = summariser.summarise(from_text(case.article, id=case.id, source=f"case {case.id}"))
            result = CaseResult(case, summary, None, score_case(case.id, case.article, case.gold, summary))
        except CommuniqueError as exc:
            result = CaseResult(case, None, str(exc), None)
        result.seconds = time.perf_counter() - started
        results.append(result)
        if on_case:
            on_case(result)
    p = summariser.prompt
    meta = {
        "prompt": p.key, "prompt_hash": p.hash, "backend": summariser.backend.name,
        "model": summariser.backend.model, "cases": len(cases),
    }
    return SuiteRun(label or p.key, results, meta)


# -- the regression gate -------------------------------------------------------------------------

def baseline_of(run: SuiteRun) -> dict[str, Any]:
    totals = run.score.totals()
    return {
        "prompt": run.meta.get("prompt"),
        "model": run.meta.get("model"),
        "fields": {f: totals["fields"][f]["f1"] for f in FIELDS},
        "cases": {
            r.case.id: {f: round(r.score.fields[f].f1, 4) for f in FIELDS} for r in run.results if r.score
        },
    }


def gate(run: SuiteRun, baseline: dict[str, Any], tolerance: float) -> list[str]:
    """Every field whose score fell below baseline minus tolerance, with the cases that fell."""
    problems = []
    now = baseline_of(run)
    for f in FIELDS:
        dropped_cases = []
        for case_id, fields in baseline.get("cases", {}).items():
            if case_id not in now["cases"]:
                if any(r.case.id == case_id for r in run.failed):
                    dropped_cases.append(f"{case_id} (failed)")
                continue
            before, after = fields.get(f), now["cases"][case_id][f]
            if before is not None and after < before - tolerance:
                dropped_cases.append(f"{case_id} ({before:.2f} -> {after:.2f})")
        before_total = baseline.get("fields", {}).get(f)
        after_total = now["fields"][f]
        fell_total = before_total is not None and after_total < before_total - tolerance
        if fell_total or dropped_cases:
            where = ", ".join(dropped_cases) or "no single case; the micro total"
            total = f"{after_total:.2f} (baseline {before_total:.2f}, tolerance {tolerance:.2f})" if before_total is not None else f"{after_total:.2f}"
            problems.append(f"{f}: {total}; cases: {where}")
    return problems


def read_baseline(suite: Path) -> dict[str, Any] | None:
    path = suite / "baseline.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def write_baseline(suite: Path, run: SuiteRun) -> Path:
    path = suite / "baseline.json"
    path.write_text(json.dumps(baseline_of(run), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
