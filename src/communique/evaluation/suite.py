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
from ..backends.modelstore import DEFAULT_MODEL, MODELS, resolve
from ..schema.v1 import Summary
from .scoring import FIELDS, CaseScore, SuiteScore, score_case


@dataclass(frozen=True)
class Case:
    id: str
    article: str  # what the summariser reads (a dev-set file's body, without its header lines)
    gold: dict[str, Any]  # the internal gold shape (see normalise_suite_gold / normalise_devset_gold)
    folder: Path
    metadata: dict[str, Any] = field(default_factory=dict)  # Article metadata: title, url, partial


@dataclass
class Settings:
    thresholds: dict[str, float]
    tolerance: float

    @classmethod
    def load(cls, suite: Path, fallback: Path | None = None) -> Settings:
        """``suite/suite.toml``; failing that ``fallback/suite.toml``; failing that the defaults."""
        path = suite / "suite.toml"
        if not path.exists() and fallback is not None:
            path = fallback / "suite.toml"
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        thresholds = {f: 0.0 for f in FIELDS} | data.get("thresholds", {})
        return cls(thresholds=thresholds, tolerance=float(data.get("gate", {}).get("tolerance", 0.05)))


# -- two folder formats, one internal gold shape ---------------------------------------------------
#
# suite:   DIR/cases/<id>/article.txt + gold.json  (quotes[{text, speakers[], optional?}],
#          domains[{label (vocabulary), wording, also[]}]); already in the internal shape.
# dev set: DIR/articles/<id>.txt + DIR/golden/<id>.json  (see /work/shared/devset/ANNOTATION.md):
#          an article file is `source: URL`, `title: HEADLINE`, a blank line, then the body, and a
#          body cut off ends with a line `[partial]`; the golden file keeps optional items apart in
#          `optional{parties,chairs,domains,quotes}` and a quote's speaker in `speaker` +
#          `speaker_aliases`.

SUITE = "suite"
DEVSET = "devset"
PARTIAL = "[partial]"
_GOLD_LISTS = ("parties", "chairs", "domains", "quotes")


def folder_kind(folder: Path) -> str:
    """``suite`` (has cases/) or ``devset`` (has articles/ and golden/); anything else is refused."""
    if (folder / "cases").is_dir():
        return SUITE
    if (folder / "articles").is_dir() and (folder / "golden").is_dir():
        return DEVSET
    if not folder.is_dir():
        raise ConfigError(f"{folder}: no such folder of eval cases")
    raise ConfigError(f"{folder}: neither an eval suite (cases/) nor a dev set (articles/ and golden/)")


def parse_devset_article(text: str, source: str) -> tuple[str, dict[str, Any]]:
    """The body of a dev-set article file, and its metadata (url, title, partial)."""
    lines = text.removeprefix("\ufeff").splitlines()
    if len(lines) < 4 or not lines[0].startswith("source:") or not lines[1].startswith("title:") or lines[2].strip():
        raise ConfigError(f"{source}: expected the lines `source: URL`, `title: HEADLINE` and a blank line before the body")
    metadata: dict[str, Any] = {}
    url = lines[0].removeprefix("source:").strip()
    title = lines[1].removeprefix("title:").strip()
    if url:
        metadata["url"] = url
    if title and not (title.startswith("(") and title.endswith(")")):  # "(no headline)" is no title
        metadata["title"] = title
    body = lines[3:]
    while body and not body[-1].strip():
        body.pop()
    partial = bool(body) and body[-1].strip() == PARTIAL
    if partial:
        body.pop()
        while body and not body[-1].strip():
            body.pop()
    metadata["partial"] = partial
    if not body:
        raise ConfigError(f"{source}: the article has no body")
    return "\n".join(body) + "\n", metadata


def _require(item: Any, keys: tuple[str, ...], where: str) -> dict[str, Any]:
    if not isinstance(item, dict) or any(not isinstance(item.get(k), str) or not item[k] for k in keys):
        raise ConfigError(f"{where}: expected an object with {', '.join(keys)}, got {json.dumps(item, ensure_ascii=False)[:80]}")
    return item


def _strings(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings")
    return list(value)


def normalise_devset_gold(raw: dict[str, Any], source: str) -> dict[str, Any]:
    """A dev-set golden file in the internal gold shape: optional items merged into their lists with
    ``optional: true``, a quote's ``speakers`` = ``[speaker, *speaker_aliases]``."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: expected a JSON object")
    optional = raw.get("optional") or {}
    if not isinstance(optional, dict):
        raise ConfigError(f"{source}: `optional` must be an object")
    gold: dict[str, Any] = {"id": raw.get("id"), **{k: [] for k in _GOLD_LISTS}}
    for key in _GOLD_LISTS:
        for is_optional, items in ((False, raw.get(key) or []), (True, optional.get(key) or [])):
            for n, item in enumerate(items):
                where = f"{source}: {'optional.' if is_optional else ''}{key}[{n}]"
                if key == "quotes":
                    _require(item, ("text", "speaker"), where)
                    out = {"text": item["text"],
                           "speakers": [item["speaker"], *_strings(item.get("speaker_aliases"), where)]}
                elif key == "domains":
                    _require(item, ("label",), where)
                    out = {"label": item["label"], "aliases": _strings(item.get("aliases"), where)}
                else:
                    _require(item, ("name",), where)
                    out = {**item, "aliases": _strings(item.get("aliases"), where)}
                if is_optional or item.get("optional"):
                    out["optional"] = True
                gold[key].append(out)
    return gold


def normalise_suite_gold(raw: dict[str, Any], source: str) -> dict[str, Any]:
    """A suite gold.json is already in the internal shape; check the keys scoring relies on."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: expected a JSON object")
    for key, keys in (("parties", ("name",)), ("chairs", ("name",)), ("domains", ("label",)), ("quotes", ("text",))):
        for n, item in enumerate(raw.get(key) or []):
            _require(item, keys, f"{source}: {key}[{n}]")
            if key == "quotes" and not _strings(item.get("speakers"), f"{source}: quotes[{n}].speakers"):
                raise ConfigError(f"{source}: quotes[{n}] has no speakers")
    return raw


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None


def _suite_cases(folder: Path) -> list[Case]:
    cases = []
    for gold_path in sorted((folder / "cases").glob("*/gold.json")):
        case_dir = gold_path.parent
        cases.append(
            Case(
                id=case_dir.name,
                article=(case_dir / "article.txt").read_text(encoding="utf-8"),
                gold=normalise_suite_gold(_read_json(gold_path), str(gold_path)),
                folder=case_dir,
            )
        )
    return cases


def _devset_cases(folder: Path) -> list[Case]:
    articles = {p.stem: p for p in (folder / "articles").glob("*.txt")}
    goldens = {p.stem: p for p in (folder / "golden").glob("*.json")}
    unpaired = sorted(set(articles) ^ set(goldens))
    if unpaired:
        raise ConfigError(
            f"{folder}: every articles/NAME.txt needs a golden/NAME.json and the other way round; unpaired: {', '.join(unpaired)}"
        )
    cases = []
    for name in sorted(articles):
        body, metadata = parse_devset_article(articles[name].read_text(encoding="utf-8"), str(articles[name]))
        cases.append(Case(id=name, article=body, gold=normalise_devset_gold(_read_json(goldens[name]), str(goldens[name])),
                          folder=folder, metadata=metadata))
    return cases


def load_cases(suite: Path, only: list[str] | None = None) -> list[Case]:
    """Every case of a suite folder or a dev-set folder (``only``: just these case ids)."""
    kind = folder_kind(suite)
    cases = _suite_cases(suite) if kind == SUITE else _devset_cases(suite)
    if only:
        unknown = set(only) - {c.id for c in cases}
        if unknown:
            raise ConfigError(f"unknown case(s): {', '.join(sorted(unknown))}")
        cases = [c for c in cases if c.id in only]
    if not cases:
        raise ConfigError(f"{suite}: no cases found")
    return cases


def default_recordings(folder: Path) -> Path | None:
    """Where replay looks by default: a suite's recordings/; a dev set's recordings/ only if it exists
    (recordings hold the article text, so a dev set's are kept out of the repository)."""
    path = folder / "recordings"
    return path if folder_kind(folder) == SUITE or path.is_dir() else None


def eval_backend(
    backend: str, model: str | None, *, recordings: Path | None, live: bool, record: bool, missing_only: bool = False,
    **options: Any,
) -> Backend:
    """Replay recorded answers (the default), or run live, optionally recording what the model says
    (``missing_only``: only the questions not recorded yet are asked live)."""
    if recordings is None and (record or not live):
        raise ConfigError(
            "no recordings folder: pass --recordings DIR (outside the repository for third-party texts), or --live"
        )
    if not live and not record:
        assert recordings is not None
        if backend == "local":
            name = model or DEFAULT_MODEL
            spec = MODELS.get(name)
            if spec:
                return ReplayBackend(recordings, model=spec.name, model_sha256=spec.sha256)
            resolved = resolve(name)  # any GGUF path: recordings are keyed by its sha256
            return ReplayBackend(recordings, model=resolved.name, model_sha256=resolved.sha256)
        return ReplayBackend(recordings, model=model or DEFAULT_OPENAI_MODEL, model_sha256=None)
    real = create_backend(backend, model=model, **options)
    if record:
        assert recordings is not None
        return RecordingBackend(real, recordings, missing_only=missing_only)
    return real


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
        """The micro scores over every case; a failed case counts as one that found nothing (each of its
        gold items missed), so a run whose cases fail cannot score well."""
        return SuiteScore([r.score or score_case(r.case.id, r.case.article, r.case.gold, None) for r in self.results])

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if r.error is not None]


def run(summariser: Summariser, cases: list[Case], *, label: str = "", on_case: Any = None) -> SuiteRun:
    results = []
    for case in cases:
        started = time.perf_counter()
        try:
            article = from_text(case.article, id=case.id, source=f"case {case.id}", **case.metadata)
            summary = summariser.summarise(article)
            result = CaseResult(case, summary, None, score_case(case.id, case.article, case.gold, summary))
        except CommuniqueError as exc:
            result = CaseResult(case, None, str(exc), None)
        except Exception as exc:  # one broken case is an error row, not the end of the run
            result = CaseResult(case, None, f"{type(exc).__name__}: {exc}", None)
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


def gate(run: SuiteRun, baseline: dict[str, Any], tolerance: float, *, per_case: bool = True) -> list[str]:
    """Every field whose score fell below baseline minus tolerance, with the cases that fell. With
    ``per_case=False`` only the micro totals are gated (cases that fell are still named, and a case
    that failed outright still fails the gate): for live runs, where one answer more or less moves a
    small case by a third but the totals by a few hundredths."""
    problems = []
    now = baseline_of(run)
    for f in FIELDS:
        dropped_cases = []
        failed_cases = []
        for case_id, fields in baseline.get("cases", {}).items():
            if case_id not in now["cases"]:
                if any(r.case.id == case_id for r in run.failed):
                    failed_cases.append(f"{case_id} (failed)")
                continue
            before, after = fields.get(f), now["cases"][case_id][f]
            if before is not None and after < before - tolerance:
                dropped_cases.append(f"{case_id} ({before:.2f} -> {after:.2f})")
        before_total = baseline.get("fields", {}).get(f)
        after_total = now["fields"][f]
        fell_total = before_total is not None and after_total < before_total - tolerance
        if fell_total or failed_cases or (per_case and dropped_cases):
            where = ", ".join(failed_cases + dropped_cases) or "no single case; the micro total"
            total = f"{after_total:.2f} (baseline {before_total:.2f}, tolerance {tolerance:.2f})" if before_total is not None else f"{after_total:.2f}"
            problems.append(f"{f}: {total}; cases: {where}")
    return problems


def default_baseline(folder: Path, version: str) -> Path:
    """The baseline of a prompt version in a cases folder: ``baseline.v<N>.json`` when the folder keeps
    one per version, else ``baseline.json``."""
    own = folder / f"baseline.v{version}.json"
    return own if own.exists() else folder / "baseline.json"


def read_baseline(path: Path) -> dict[str, Any] | None:
    """The baseline file (``--baseline``, default :func:`default_baseline`), or None."""
    if not path.exists():
        return None
    data = _read_json(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: not a baseline (expected a JSON object)")
    return data


def write_baseline(path: Path, run: SuiteRun) -> Path:
    """Scores only (fields and per-case F1 by case id), never article text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(baseline_of(run), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
