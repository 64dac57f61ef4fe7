"""The whole benchmark (about 6 minutes on 2 cores): the seed on the embedded model against raw
llama.cpp, then batch throughput against a loopback server. Usage: python bench/run.py"""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    import os

    print(f"machine: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()} {platform.machine()}")
    for script, args in (("bench_seed.py", ["--runs", "3"]), ("bench_workers.py", ["--articles", "96", "--delay", "1.0"])):
        print(f"\n== {script}", flush=True)
        subprocess.run([sys.executable, str(HERE / script), *args], check=True)
