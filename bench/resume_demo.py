"""Demonstration: a folder of 50 articles through the embedded local model, interrupted half way
with Ctrl-C (SIGINT), then run again. The second run must finish the rest without redoing any article
the first run finished.

The folder is built from the 15 eval-case articles, each with up to four date/place rewrites, so the
50 articles are distinct texts (distinct sha256). The CLI runs as a user runs it, with its standard
error on a pseudo-terminal so the rich progress bar is drawn; the bar's last frame of each run is
printed. Checks, from the output folder and the SQLite ledger:

- run 1 exits 130 and leaves N finished records;
- run 2 reports those N as skipped (from the cache) and summarises exactly the 50 - N others;
- no article finished in run 1 has a model call in run 2 (the ledger's timestamps);
- every one of the 50 articles ends with a summary file.

Usage: python bench/resume_demo.py [--articles 50] [--stop-after 25] [--model qwen2.5-coder-1.5b]
Takes about 50 x 30 s on a 2-core machine with the default model.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import re
import select
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REWRITES = [(None, None), ("2023-03-02", "Marrakesh"), ("2023-05-11", "Tangier"), ("2023-09-27", "Casablanca")]


def build_folder(folder: Path, count: int) -> list[Path]:
    cases = sorted((ROOT / "evals" / "cases").glob("*/article.txt"))
    written: list[Path] = []
    for date, place in REWRITES:
        for case in cases:
            if len(written) == count:
                return written
            text = case.read_text(encoding="utf-8")
            if date:
                text = text.replace("2023-01-17", date).replace("Rabat", place)
            target = folder / f"{case.parent.name}-{len(written):02d}.txt"
            target.write_text(text, encoding="utf-8")
            written.append(target)
    if len(written) < count:
        raise SystemExit(f"only {len(written)} distinct articles can be built")
    return written


def run_cli(cmd: list[str], out: Path, stop_after: int | None) -> tuple[int, str, float]:
    """Run the CLI with stderr on a pty; send SIGINT once ``stop_after`` summaries are in ``out``."""
    master, slave = pty.openpty()
    os.set_blocking(master, False)
    env = {**os.environ, "COLUMNS": "150", "TERM": "xterm-256color"}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=slave, stdin=subprocess.DEVNULL, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    os.close(slave)
    chunks: list[bytes] = []
    interrupted = False
    open_ = True
    while open_:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                data = b""
            chunks.append(data)
            open_ = bool(data)
        if stop_after is not None and not interrupted and len(list(out.glob("*.json"))) >= stop_after:
            proc.send_signal(signal.SIGINT)
            interrupted = True
    proc.wait()
    os.close(master)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace"), time.perf_counter() - started


def last_frame(screen: str) -> str:
    """The progress bar's final state and the lines after it, without terminal control sequences."""
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen).replace("\r\n", "\n")
    lines = [line.split("\r")[-1].rstrip() for line in plain.split("\n")]
    return "\n".join(line for line in lines[-6:] if line.strip())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=50)
    ap.add_argument("--stop-after", type=int, default=25)
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--keep", type=Path, help="keep the folder, outputs and ledger here")
    args = ap.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="communique-resume-"))
    folder, out, db = work / "articles", work / "out", work / "ledger.sqlite"
    folder.mkdir(parents=True, exist_ok=True)
    build_folder(folder, args.articles)
    cmd = [sys.executable, "-m", "communique", "summarise", str(folder), "--out", str(out), "--format", "json",
           "--model", args.model, "--db", str(db)]
    print(f"$ communique summarise {folder} --out {out} --format json --model {args.model} --db {db}")

    code1, screen1, wall1 = run_cli(cmd, out, args.stop_after)
    done1 = {p.stem for p in out.glob("*.json")}
    print(f"\nrun 1: exit {code1} after {wall1:.0f} s, {len(done1)} summaries written; last frame:\n{last_frame(screen1)}")
    second_started = time.time()
    code2, screen2, wall2 = run_cli(cmd, out, None)
    done2 = {p.stem for p in out.glob("*.json")}
    print(f"\nrun 2: exit {code2} after {wall2:.0f} s, {len(done2)} summaries in all; last frame:\n{last_frame(screen2)}")

    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT article_id, ts FROM calls").fetchall()
    redone = sorted({a for a, ts in rows if ts >= second_started and a in done1})
    run2_articles = {a for a, ts in rows if ts >= second_started}
    summary_line = next((line for line in last_frame(screen2).splitlines() if "skipped" in line), "")
    skipped = int(m.group(1)) if (m := re.search(r"skipped (\d+)", summary_line)) else -1
    checks = {
        "run 1 was interrupted (exit 130)": code1 == 130,
        f"run 1 finished {len(done1)} of {args.articles} before the interrupt": 0 < len(done1) < args.articles,
        "run 2 exits 0": code2 == 0,
        f"run 2 skipped the {len(done1)} finished ones (skipped {skipped})": skipped == len(done1),
        f"run 2 called the model only for the {args.articles - len(done1)} others ({len(run2_articles)})":
            len(run2_articles) == args.articles - len(done1),
        "no finished article was redone": not redone,
        f"every article has a summary ({len(done2)}/{args.articles})": len(done2) == args.articles,
    }
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    valid = sum(1 for p in out.glob("*.json") if json.loads(p.read_text(encoding="utf-8")).get("provenance"))
    print(f"{valid} summary files carry provenance; work folder: {work}")
    if not all(checks.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
