"""What a run reports as it goes: a line or a progress bar per record, notes, the end."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from .records import Record


@dataclass
class Progress:
    """What a run reports as it goes: each record, free-form notes (e.g. Batch API rounds), the end."""

    record: Callable[[Record], None]
    note: Callable[[str], None]
    stop: Callable[[], None]


def progress_printer(total: int, stream: TextIO = sys.stderr) -> Progress:
    """A rich progress bar (rate, ETA, tokens, failures) on a terminal; plain lines otherwise."""
    counts = {"done": 0, "failed": 0, "tokens": 0}
    if not stream.isatty():
        def plain(record: Record) -> None:
            counts["done"] += 1
            detail = record.error if record.status == "error" else f"{record.seconds:.1f} s"
            stream.write(f"[{counts['done']}/{total}] {record.id}: {record.status} ({detail})\n")
            stream.flush()

        def say(line: str) -> None:
            stream.write(line + "\n")
            stream.flush()
        return Progress(plain, say, lambda: None)

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    progress = Bar(
        TextColumn("summarising"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
        TextColumn("tokens {task.fields[tokens]:,} · failed {task.fields[failed]}"),
        console=Console(file=stream),
    )
    task = progress.add_task("run", total=total, tokens=0, failed=0, rate="")
    progress.start()
    started = time.perf_counter()

    def update(record: Record) -> None:
        counts["done"] += 1
        counts["failed"] += record.status == "error"
        if record.summary is not None and record.status == "ok":
            counts["tokens"] += record.summary.provenance.usage.total_tokens
        if record.status == "error":
            progress.console.print(f"{record.id}: error: {record.error}", highlight=False, markup=False)
        rate = counts["done"] / max(1e-9, time.perf_counter() - started) * 60
        progress.update(task, advance=1, tokens=counts["tokens"], failed=counts["failed"], rate=f"{rate:.1f}/min")

    def note(line: str) -> None:
        progress.console.print(line, highlight=False, markup=False)

    return Progress(update, note, progress.stop)
