"""Batch runs: many inputs, bounded concurrency, a record per article written as it finishes, resume
from the ledger's cache, and a count of what happened.

A record is ``{"id", "source", "status": "ok" | "error" | "skipped", "summary" | "error", "seconds"}``;
``skipped`` means the summary came from the ledger's cache (same article, prompt, schema, model and
parameters), so a re-run after an interruption only does what is left.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ..api import Summariser, input_warnings
from ..errors import CommuniqueError
from ..inputs import Article, InputItem
from ..ledger import Ledger, LedgerBackend, current_article, result_key
from ..outputs import render
from ..schema.v1 import Summary


@dataclass
class Record:
    id: str
    source: str
    status: str
    summary: Summary | None = None
    error: str | None = None
    seconds: float = 0.0
    exc: CommuniqueError | None = field(default=None, repr=False)
    article: str | None = field(default=None, repr=False)  # the text, for HTML output

    def as_json(self) -> str:
        body: dict[str, Any] = {"id": self.id, "source": self.source, "status": self.status}
        if self.summary is not None:
            body["summary"] = json.loads(self.summary.model_dump_json())
        if self.error is not None:
            body["error"] = self.error
        body["seconds"] = round(self.seconds, 3)
        return json.dumps(body, ensure_ascii=False)


#: USD per million tokens (input, output) of priced OpenAI models, from openai.com/api/pricing as of
#: 2026-11; used for the end-of-run cost line only. Unknown and local models show no cost.
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
}


@dataclass
class Stats:
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    started: float = field(default_factory=time.perf_counter)
    price_factor: float = 1.0  # 0.5 through the Batch API, which OpenAI bills at half price

    def add(self, record: Record) -> None:
        if record.status == "ok":
            self.ok += 1
            assert record.summary is not None
            self.prompt_tokens += record.summary.provenance.usage.prompt_tokens
            self.completion_tokens += record.summary.provenance.usage.completion_tokens
        elif record.status == "skipped":
            self.skipped += 1
        else:
            self.failed += 1

    def cost(self, backend: str, model: str) -> float | None:
        price = PRICES.get(model) if backend == "openai" else None
        if price is None:
            return None
        return self.price_factor * (self.prompt_tokens * price[0] + self.completion_tokens * price[1]) / 1_000_000

    def line(self, backend: str = "", model: str = "") -> str:
        wall = time.perf_counter() - self.started
        cost = self.cost(backend, model)
        return (
            f"ok {self.ok} · failed {self.failed} · skipped {self.skipped} (cached) · "
            f"tokens {self.prompt_tokens + self.completion_tokens:,} "
            f"({self.prompt_tokens:,} prompt + {self.completion_tokens:,} completion) · wall {wall:.1f} s"
            + (f" · cost ${cost:.4f}" if cost is not None else "")
            + (" (Batch API price)" if cost is not None and self.price_factor != 1.0 else "")
        )


class Sink:
    """Where records go: JSONL lines on a stream (flushed one by one), or one file per article."""

    def __init__(self, stream: TextIO | None = None, out_dir: Path | None = None, fmt: str = "jsonl") -> None:
        self.stream, self.out_dir, self.fmt = stream, out_dir, fmt
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)

    def write(self, record: Record) -> None:
        if self.out_dir is None:
            assert self.stream is not None
            self.stream.write(record.as_json() + "\n")
            self.stream.flush()
            return
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in record.id) or "article"
        if record.summary is not None and self.fmt in ("json", "md", "html"):
            target = self.out_dir / f"{safe}.{self.fmt}"
            text = render(record.summary, self.fmt, record.article)
        else:
            target = self.out_dir / f"{safe}.{'error.json' if record.status == 'error' else 'jsonl'}"
            text = record.as_json() + "\n"
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)


class BatchRunner:
    def __init__(self, summariser: Summariser, ledger: Ledger | None = None, *, use_cache: bool = True) -> None:
        self.summariser = summariser
        self.ledger = ledger
        self.use_cache = use_cache and ledger is not None
        if ledger is not None and not isinstance(summariser.backend, LedgerBackend):
            p = summariser.prompt
            summariser.backend = LedgerBackend(summariser.backend, ledger, p.key, p.hash)

    def _key(self, sha256: str) -> str:
        s, p = self.summariser, self.summariser.prompt
        params = {**s.params.as_dict(), "max_chunk_chars": s.max_chunk_chars}
        return result_key(sha256, p.key, p.hash, p.schema_version, s.backend.model, s.backend.model_sha256, params)

    @staticmethod
    def _cacheable(summary: Summary, article: Article) -> Summary:
        """The summary as cached: what depends on the text only, not on how this input was read."""
        own = input_warnings(article)
        return summary.model_copy(update={"warnings": [w for w in summary.warnings if w not in own]})

    def begin(self, item: InputItem) -> Article | Record:
        """Load an input: the article to summarise, or already its record (a bad input, or cached)."""
        started = time.perf_counter()
        try:
            article = item.load()
        except CommuniqueError as exc:
            return Record(item.id, item.source, "error", error=str(exc), seconds=time.perf_counter() - started, exc=exc)
        if self.use_cache and self.ledger is not None and (cached := self.ledger.cached(self._key(article.sha256))):
            summary = Summary.model_validate_json(cached)
            summary.warnings = input_warnings(article) + summary.warnings
            return Record(article.id, item.source, "skipped", summary, seconds=time.perf_counter() - started,
                          article=article.text)
        return article

    def finish(self, item: InputItem, article: Article, outcome: Summary | CommuniqueError, started: float) -> Record:
        """The record of a summarised (or failed) article; a summary is cached in the ledger."""
        seconds = time.perf_counter() - started
        if isinstance(outcome, CommuniqueError):
            return Record(article.id, item.source, "error", error=str(outcome), seconds=seconds, exc=outcome)
        if self.ledger is not None:
            p = self.summariser.prompt
            self.ledger.store(self._key(article.sha256), article_id=article.id, article_sha256=article.sha256,
                              prompt=p.key, schema_version=p.schema_version, model=self.summariser.backend.model,
                              summary_json=self._cacheable(outcome, article).model_dump_json())
        return Record(article.id, item.source, "ok", outcome, seconds=seconds, article=article.text)

    async def summarise_item(self, item: InputItem) -> Record:
        """One input to one record; never raises for a bad input or a failed article."""
        started = time.perf_counter()
        article = self.begin(item)
        if isinstance(article, Record):
            return article
        token = current_article.set((article.id, article.sha256))
        try:
            outcome: Summary | CommuniqueError = await self.summariser.asummarise(article)
        except CommuniqueError as exc:
            outcome = exc
        finally:
            current_article.reset(token)
        return self.finish(item, article, outcome, started)

    async def run(self, items: Iterable[InputItem], sink: Sink, *, workers: int = 1,
                  on_record: Callable[[Record], None] | None = None) -> Stats:
        """Run every item, at most ``workers`` at a time; each record is written as soon as it is done."""
        stats = Stats()
        limit = asyncio.Semaphore(max(1, workers))
        pending: set[asyncio.Task[None]] = set()

        async def work(item: InputItem) -> None:
            try:
                record = await self.summarise_item(item)
                sink.write(record)
                stats.add(record)
                if on_record:
                    on_record(record)
            finally:
                limit.release()

        try:
            for item in items:
                await limit.acquire()
                task = asyncio.create_task(work(item))
                pending.add(task)
                task.add_done_callback(pending.discard)
            if pending:
                await asyncio.gather(*pending)
        finally:
            for task in pending:
                task.cancel()
        return stats


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
