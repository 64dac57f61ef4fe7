"""The whole benchmark (about 7 minutes on 2 cores): every article (the seed and the dev set) on the
embedded model against llama.cpp reading it once (floor.py, figures also in bench/results.json), then
batch throughput against a loopback server (bench_workers.py). Usage: python bench/run.py [floor.py options]"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    for script, args in (("floor.py", sys.argv[1:]), ("bench_workers.py", ["--articles", "96", "--delay", "1.0"])):
        print(f"\n== {script}", flush=True)
        subprocess.run([sys.executable, str(HERE / script), *args], check=True)
