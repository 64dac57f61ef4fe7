"""Benchmark: batch throughput against a loopback OpenAI-compatible server at 1, 4 and 8 workers.

The server (tests/scripted_server.py) answers every request after a fixed delay, as a remote API
with network and queueing latency does; the figure is articles per second through the whole CLI
path (inputs, prompts, HTTP, instructor, grounding, ledger, output), and the ratio to one worker.

Usage: python bench/bench_workers.py [--articles 96] [--delay 1.0]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from scripted_server import SEED_DRAFT, ScriptedServer  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=96)
    ap.add_argument("--delay", type=float, default=1.0)
    args = ap.parse_args()
    seed = (ROOT / "seeds" / "israel-morocco-steering-committee-2023.txt").read_text(encoding="utf-8")
    rates = {}
    with tempfile.TemporaryDirectory() as tmp, ScriptedServer([("answer", SEED_DRAFT)], delay=args.delay) as server:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for i in range(args.articles):
            (folder / f"a{i:03d}.txt").write_text(seed + f"\n\nArticle {i}.", encoding="utf-8")
        for workers in (1, 4, 8):
            cmd = [sys.executable, "-m", "communique", "summarise", str(folder), "--backend", "openai",
                   "--base-url", server.base_url, "--model", "bench", "--mode", "json", "--prompt-version", "1",
                   "--workers", str(workers), "--no-cache", "--db", str(Path(tmp) / f"l{workers}.sqlite")]
            started = time.perf_counter()
            done = subprocess.run(cmd, capture_output=True, text=True)
            wall = time.perf_counter() - started
            if done.returncode != 0:
                raise SystemExit(done.stderr)
            rates[workers] = args.articles / wall
            print(f"workers {workers}: {args.articles} articles in {wall:.1f} s = {rates[workers]:.2f} articles/s "
                  f"(x{rates[workers] / rates[1]:.1f} of 1 worker; server max in flight {server.max_in_flight})")
            server.max_in_flight = 0
    print(f"server latency per request {args.delay} s; ratio 8 workers / 1 worker = {rates[8] / rates[1]:.1f}")


if __name__ == "__main__":
    main()
