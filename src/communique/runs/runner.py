"""Runs: many inputs, bounded concurrency, a record per article written as it finishes, resume from
the ledger's cache, and a count of what happened (records, sinks and stats: :mod:`.records`)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable

from ..api import Summariser, input_warnings
from ..errors import CommuniqueError
from ..inputs import Article, InputItem
from ..ledger import Ledger
from ..schema.v1 import Summary
from .calllog import article_scope
from .records import Record, Sink, Stats


class Runner:
    """Summarise many articles with one summariser, caching finished summaries in the ledger.

    The runner uses the summariser as it is given: it never changes its backend. To have every model
    call in the ledger too, build the summariser on a :class:`~communique.runs.calllog.CallLog`.
    """

    def __init__(self, summariser: Summariser, ledger: Ledger | None = None, *, use_cache: bool = True) -> None:
        self.summariser = summariser
        self.ledger = ledger
        self.use_cache = use_cache and ledger is not None

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
        if self.use_cache and self.ledger is not None and (cached := self.ledger.cached(self.summariser.fingerprint(article))):
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
            self.ledger.store(self.summariser.fingerprint(article), article_id=article.id, article_sha256=article.sha256,
                              prompt=p.key, schema_version=p.schema_version, model=self.summariser.backend.model,
                              summary_json=self._cacheable(outcome, article).model_dump_json())
        return Record(article.id, item.source, "ok", outcome, seconds=seconds, article=article.text)

    async def summarise_item(self, item: InputItem) -> Record:
        """One input to one record; never raises for a bad input or a failed article."""
        started = time.perf_counter()
        article = self.begin(item)
        if isinstance(article, Record):
            return article
        with article_scope(article):
            try:
                outcome: Summary | CommuniqueError = await self.summariser.asummarise(article)
            except CommuniqueError as exc:
                outcome = exc
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
