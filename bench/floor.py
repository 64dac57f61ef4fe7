"""Benchmark against the physical floor: for each article, communique's warm seconds against the time
raw llama.cpp needs to read the article once (same loaded model, same threads, measured in this run).

Articles: the seed, then every article of a dev-set folder (``--cases``, default ``$COMMUNIQUE_DEVSET``
or ``../shared/devset``; skipped when absent). They run one after another on one loaded model, as a
batch of new articles would: nothing is reset between articles, so instructions kept in llama.cpp's
KV cache from the previous article count, but no article is ever seen twice.

Per article it prints: article tokens, raw read-once seconds, communique's seconds, the ratio, and for
each model call its prompt tokens (of which read anew, the rest coming from the KV cache) and answer
tokens. Over all articles: the median ratio, model load time, the machine's read and write speeds
(tokens/s), a cached re-run of the whole CLI command, and peak RSS. Everything also goes to
``bench/results.json`` (or ``--json``), so runs can be compared.

Usage: python bench/floor.py [--prompt-version 3] [--cases DIR] [--limit N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from importlib.metadata import version

from communique import Summariser
from communique.backends.base import Completion
from communique.backends.local import LocalBackend

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "israel-morocco-steering-committee-2023.txt"


class Metered(LocalBackend):
    """The local backend, noting for each call its prompt tokens, how many of them llama.cpp read anew
    (the rest were the prefix it still held), its answer tokens and its seconds."""

    calls: list[dict[str, Any]]

    def complete(self, messages, response_model, params):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        done: Completion = super().complete(messages, response_model, params)
        self.calls.append(
            {
                "question": response_model.__name__,
                "prompt_tokens": done.prompt_tokens,
                "read_tokens": done.extra["read_anew"],
                "answer_tokens": done.completion_tokens,
                "attempts": done.attempts,
                "seconds": round(time.perf_counter() - t, 3),
            }
        )
        return done


def read_once(engine: Any, text: str) -> tuple[int, float]:
    """Tokens of the article alone, and seconds for llama.cpp to read them into an empty cache."""
    reply = engine.server.handle_completions({"prompt": text, "max_tokens": 1, "temperature": 0.0, "cache_prompt": False})
    return int(reply["timings"]["prompt_n"]), float(reply["timings"]["prompt_ms"]) / 1000


def write_speed(engine: Any, text: str, n: int = 48) -> float:
    """Answer tokens per second, writing freely after the article (no grammar)."""
    reply = engine.server.handle_completions({"prompt": text, "max_tokens": n, "temperature": 0.0, "ignore_eos": True})
    return float(reply["timings"]["predicted_per_second"])


def cached_rerun(runs: int = 3) -> float:
    """Seconds for the whole `communique summarise SEED` command when the ledger holds its summary."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "COMMUNIQUE_LEDGER": str(Path(tmp) / "ledger.sqlite")}
        cmd = [sys.executable, "-m", "communique", "summarise", str(SEED)]
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(cmd, env=env, check=True, capture_output=True)
            times.append(time.perf_counter() - t)
    return statistics.median(times)


def cpu_name() -> str:
    info = Path("/proc/cpuinfo")
    names = [line.split(":", 1)[1].strip() for line in info.read_text().splitlines() if line.startswith("model name")] if info.exists() else []
    return names[0] if names else platform.processor() or platform.machine()


def articles(cases: Path | None, limit: int | None) -> list[tuple[str, str]]:
    found = [("seed", SEED.read_text(encoding="utf-8"))]
    if cases is not None and (cases / "articles").is_dir():
        for path in sorted((cases / "articles").glob("*.txt")):
            found.append((path.stem, path.read_text(encoding="utf-8")))
    return found[:limit] if limit else found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--prompt-version", default=None, help="default: the package's default prompt")
    default_cases = os.environ.get("COMMUNIQUE_DEVSET", str(ROOT.parent / "shared" / "devset"))
    ap.add_argument("--cases", type=Path, default=Path(default_cases))
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles (the seed first)")
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results.json")
    ap.add_argument("--no-rerun", action="store_true", help="skip the cached CLI re-run")
    args = ap.parse_args()

    t = time.perf_counter()
    backend = Metered()
    backend.engine  # noqa: B018 - load now, to time it
    load_s = time.perf_counter() - t
    backend.calls = []
    options = {} if args.prompt_version is None else {"prompt_version": args.prompt_version}
    summariser = Summariser(backend, deadline=None, **options)

    todo = articles(args.cases, args.limit)
    warm_text = todo[0][1]
    summariser.summarise(warm_text)  # warm-up: spaCy and the model's first compute
    write_tps = write_speed(backend.engine, warm_text)

    raw = {}
    for name, text in todo:  # the floor first, for every article, in this same run
        raw[name] = min((read_once(backend.engine, text) for _ in range(2)), key=lambda x: x[1])
    summariser.summarise(todo[-1][1])  # the cache as a previous article leaves it

    rows = []
    for name, text in todo:
        n_tokens, raw_s = raw[name]
        backend.calls = []
        t = time.perf_counter()
        summary = summariser.summarise(text)
        ours = time.perf_counter() - t
        rows.append(
            {
                "article": name,
                "article_tokens": n_tokens,
                "raw_read_once_s": round(raw_s, 3),
                "communique_s": round(ours, 3),
                "ratio": round(ours / raw_s, 2),
                "calls": list(backend.calls),
                "prompt_tokens": sum(c["prompt_tokens"] for c in backend.calls),
                "read_tokens": sum(c["read_tokens"] for c in backend.calls),
                "answer_tokens": sum(c["answer_tokens"] for c in backend.calls),
                "model_s": round(sum(c["seconds"] for c in backend.calls), 3),
                "warnings": len(summary.warnings),
            }
        )
        r = rows[-1]
        per_call = " ".join(f"{c['question']}:{c['read_tokens']}/{c['prompt_tokens']}+{c['answer_tokens']}" for c in r["calls"])
        print(
            f"{name[:44]:<44} {n_tokens:>5} tok  raw {raw_s:5.2f}s  ours {ours:6.2f}s  ratio {r['ratio']:5.2f}  "
            f"model {r['model_s']:5.2f}s  calls (read/prompt+answer) {per_call}",
            flush=True,
        )

    cached = None if args.no_rerun else cached_rerun()
    read_tps = sum(r["article_tokens"] for r in rows) / sum(r["raw_read_once_s"] for r in rows)
    median_ratio = statistics.median(r["ratio"] for r in rows)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    totals = {
        "prompt_version": summariser.prompt.version,
        "model": backend.model,
        "engine": "xllamacpp " + version("xllamacpp"),
        "threads": backend.engine.threads,
        "machine": f"{os.cpu_count()} cores, {cpu_name()}, Python {platform.python_version()}",
        "articles": len(rows),
        "median_ratio": median_ratio,
        "median_communique_s": statistics.median(r["communique_s"] for r in rows),
        "median_raw_read_once_s": statistics.median(r["raw_read_once_s"] for r in rows),
        "read_tokens_per_s": round(read_tps, 1),
        "write_tokens_per_s": round(write_tps, 1),
        "model_load_s": round(load_s, 2),
        "cached_rerun_cli_s": None if cached is None else round(cached, 2),
        "peak_rss_mib": round(peak_mib),
        "median_answer_tokens": statistics.median(r["answer_tokens"] for r in rows),
        "median_read_tokens": statistics.median(r["read_tokens"] for r in rows),
    }
    print()
    for k, v in totals.items():
        print(f"{k:<24} {v}")
    args.json.write_text(json.dumps({"totals": totals, "articles": rows}, indent=1) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.json}")


if __name__ == "__main__":
    main()
