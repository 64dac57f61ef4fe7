"""Benchmark: the seed article on the embedded model, against raw llama.cpp doing the same work.

Prints medians over repeated runs (figures, not pass/fail):
  - model load time;
  - per-article latency of prompt v2 (decomposed) cold (first article after load) and warm;
  - the same calls made raw through llama.cpp (same messages, no grammar, no checks, same number of
    output tokens) and the ratio communique / raw, measured in the same run;
  - prompt v1 (one call) warm, for comparison;
  - tokens per article;
  - a cached re-run through the CLI (the ledger returns the finished summary);
  - peak resident memory of this process.

Usage: python bench/bench_seed.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from communique import Summariser
from communique.backends.base import Completion
from communique.backends.local import LocalBackend

SEED = Path(__file__).resolve().parent.parent / "seeds" / "israel-morocco-steering-committee-2023.txt"


class Recording(LocalBackend):
    """The local backend, keeping each call's messages and output token count for the raw replay."""

    calls: list[tuple[list[dict[str, str]], int]]

    def complete(self, messages, response_model, params):  # type: ignore[no-untyped-def]
        done: Completion = super().complete(messages, response_model, params)
        self.calls.append((messages, done.completion_tokens))
        return done


def raw_llama(backend: LocalBackend, calls: list[tuple[list[dict[str, str]], int]]) -> float:
    """The same chats through llama.cpp directly: no grammar, no validation, fixed output length."""
    started = time.perf_counter()
    for messages, n_out in calls:
        backend.llama.create_chat_completion(messages=messages, max_tokens=max(1, n_out), temperature=0.0, seed=7)
    return time.perf_counter() - started


def cached_rerun(runs: int) -> float:
    """Seconds for `communique summarise seed` when the ledger already holds its summary (the whole
    command: interpreter start, imports, cache lookup, output)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "COMMUNIQUE_LEDGER": str(Path(tmp) / "ledger.sqlite")}
        cmd = [sys.executable, "-m", "communique", "summarise", str(SEED)]
        subprocess.run(cmd, env=env, check=True, capture_output=True)  # fills the cache
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(cmd, env=env, check=True, capture_output=True)
            times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    text = SEED.read_text(encoding="utf-8")

    from communique.backends import local

    loads = []
    for _ in range(args.runs):
        local._close_all()  # a real reload each time (the file stays in the page cache)
        t = time.perf_counter()
        backend = Recording()
        backend.llama  # noqa: B018 - load now, to time it
        loads.append(time.perf_counter() - t)
    load = statistics.median(loads)
    backend.calls = []
    v2 = Summariser(backend, prompt_version="2")
    v1 = Summariser(backend, prompt_version="1")

    def fresh() -> None:
        backend.llama.reset()  # forget the cached prefix: every run starts like a new article
        backend.calls = []

    cold_t = time.perf_counter()
    fresh()
    summary = v2.summarise(text)
    cold = time.perf_counter() - cold_t
    warm, raw, tokens = [], [], summary.provenance.usage.total_tokens
    for _ in range(args.runs):
        fresh()
        t = time.perf_counter()
        v2.summarise(text)
        warm.append(time.perf_counter() - t)
        calls = list(backend.calls)
        backend.llama.reset()
        raw.append(raw_llama(backend, calls))
    one_call = []
    for _ in range(max(1, args.runs // 2)):
        fresh()
        t = time.perf_counter()
        s1 = v1.summarise(text)
        one_call.append(time.perf_counter() - t)

    cached = cached_rerun(args.runs)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    med = statistics.median
    rows = [
        ("model load (s)", f"{load:.1f}"),
        ("v2 decomposed, first article after load (s)", f"{cold:.1f}"),
        (f"v2 decomposed, per article, median of {args.runs} (s)", f"{med(warm):.1f}"),
        ("raw llama.cpp, same calls and token counts (s)", f"{med(raw):.1f}"),
        ("ratio communique / raw llama.cpp", f"{med(warm) / med(raw):.2f}"),
        ("v2 model calls per article", str(summary.provenance.calls)),
        ("v2 tokens per article (prompt + completion)", f"{summary.provenance.usage.prompt_tokens} + {summary.provenance.usage.completion_tokens} = {tokens}"),
        ("v1 one call, per article (s)", f"{med(one_call):.1f}"),
        ("v1 tokens per article", str(s1.provenance.usage.total_tokens)),
        ("cached re-run through the CLI, median (s)", f"{cached:.2f}"),
        ("peak RSS of the benchmark process (MiB)", f"{peak_mib:.0f}"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"seed article: {len(text)} characters; model {backend.model}; llama.cpp threads {backend.llama.n_threads if hasattr(backend.llama, 'n_threads') else '?'}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
