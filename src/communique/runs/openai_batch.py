"""Runs through the OpenAI Batch API: many articles' model calls sent as batch jobs
(:class:`~communique.backends.openai_batch.OpenAIBatchClient`), at half the price, answered within the
completion window.

Rounds. Each article's extraction is a plan of calls (:meth:`Summariser.start
<communique.api.Summariser.start>`), and a later call may depend on an earlier answer (prompt v2 asks
for parties and chairs, may re-ask rejected parties, then asks about domains and speakers). A round
takes the next call of every unfinished article, sends them as one batch job, waits for it to end, and
sends each answer back to its article's plan. An article whose plan is done is grounded
(:meth:`Summariser.finish <communique.api.Summariser.finish>`), cached and written at once. Prompt v1
needs one round; v2 one or two (its three judgements need only the article and go together; a re-ask
about rejected parties follows). An answer that fails validation is re-asked in the next round
(instructor writes the re-ask), within the backend's ``max_reasks``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..backends.base import Completion
from ..backends.openai_batch import OpenAIBatchClient, Request
from ..errors import CommuniqueError
from ..inputs import Article, InputItem
from ..pipeline.drafts import Draft
from ..pipeline.session import Plan, Session, step
from .calllog import CallLog
from .records import Record, Sink, Stats
from .runner import Runner


@dataclass
class Pending:
    """An article whose plan waits for answers: one slot per call it asked together."""

    item: InputItem
    article: Article
    session: Session
    plan: Plan
    requests: list[Request] = field(default_factory=list)
    outcomes: list[Completion[Any] | CommuniqueError | None] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    def waiting(self) -> list[Request]:
        return [r for r, o in zip(self.requests, self.outcomes) if o is None]


class OpenAIBatchRunner:
    """Drive every article's plan in rounds of Batch API jobs; records are written as articles finish.

    ``runner`` loads inputs, answers from the cache and writes the records; its summariser builds and
    finishes each article's plan. The calls go out through ``client``, not through the summariser's
    backend, so they are written into ``call_log`` (when given) here.
    """

    def __init__(self, runner: Runner, client: OpenAIBatchClient, call_log: CallLog | None = None) -> None:
        self.runner, self.client, self.call_log = runner, client, call_log

    def _advance(self, p: Pending) -> Record | None:
        """Send the answers (or the first error) into the plan: its next calls go into ``p``'s slots,
        or the article is done and its record is returned."""
        try:
            calls = step(p.plan, p.session.settle(p.outcomes) if p.requests else None)
            if isinstance(calls, Draft):
                summary = self.runner.summariser.finish(p.session, calls, p.started)
                return self.runner.finish(p.item, p.article, summary, p.started)
        except CommuniqueError as exc:
            return self.runner.finish(p.item, p.article, exc, p.started)
        p.requests = [self.client.request(c) for c in calls]
        p.outcomes = [None] * len(calls)
        return None

    def _settle(self, p: Pending, slot: int, answer: str | CommuniqueError, latency: float) -> None:
        """Fill one slot with its completion or error, or put its re-ask in for the next round."""
        request = p.requests[slot]
        outcome = answer if isinstance(answer, CommuniqueError) else self.client.parse(request, answer)
        if isinstance(outcome, Request):
            p.requests[slot] = outcome
            return
        if isinstance(outcome, Completion):
            outcome.latency_s = latency
        p.outcomes[slot] = outcome
        if self.call_log is not None:
            call = request.call
            self.call_log.record(call.response_model, call.params, outcome if isinstance(outcome, Completion) else None,
                                 outcome if isinstance(outcome, CommuniqueError) else None, latency,
                                 (p.article.id, p.article.sha256))

    def run(self, items: Iterable[InputItem], sink: Sink, *, on_record: Callable[[Record], None] | None = None) -> Stats:
        stats = Stats(price_factor=0.5)

        def emit(record: Record) -> None:
            sink.write(record)
            stats.add(record)
            if on_record:
                on_record(record)

        pending: list[Pending] = []
        for item in items:
            article = self.runner.begin(item)
            if isinstance(article, Record):
                emit(article)
                continue
            try:
                session = self.runner.summariser.start(article)
            except CommuniqueError as exc:  # the prompt's strategy is unknown: this article's record says so
                emit(self.runner.finish(item, article, exc, time.perf_counter()))
                continue
            p = Pending(item, article, session, session.plan())
            if (record := self._advance(p)) is not None:
                emit(record)
            else:
                pending.append(p)

        round_ = 0
        while pending:
            round_ += 1
            self.client.note(f"Batch API round {round_}: {len(pending)} article(s) waiting for an answer")
            submitted = time.perf_counter()
            answers = self.client.answers([r for p in pending for r in p.waiting()])
            latency = time.perf_counter() - submitted
            still: list[Pending] = []
            for p in pending:
                for slot, request in enumerate(p.requests):
                    if p.outcomes[slot] is None:
                        self._settle(p, slot, answers[request.custom_id], latency)
                failed = any(isinstance(o, CommuniqueError) for o in p.outcomes)
                if not failed and any(o is None for o in p.outcomes):  # a re-ask goes out next round
                    still.append(p)
                elif (record := self._advance(p)) is not None:
                    emit(record)
                else:
                    still.append(p)
            pending = still
        return stats
