"""Stage 4b, extraction, the driver: one article's model questions, asked on a backend.

A prompt version names its *strategy* (:mod:`communique.strategies`): a generator that yields
the :class:`Question` objects it needs answered and returns an ungrounded :class:`Draft`. A
:class:`Session` turns those questions into :class:`~communique.backends.base.Call` objects (the
prompt's templates rendered), keeps count of what they cost, splits a long article into chunks,
merges their drafts and gives the whole article's draft to the strategy's review (if it has one).
It does no I/O itself: :meth:`Session.plan` is a generator of calls that three drivers run:
:meth:`Session.run` (sync), :meth:`Session.arun` (async) and the OpenAI Batch API's rounds
(:mod:`communique.runs.openai_batch`).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from .. import deadline
from ..backends.base import Backend, Call, Completion, GenerationParams
from ..errors import CommuniqueError, DeadlineExceeded, ExtractionFailed
from ..inputs import Article
from ..prompting import PromptVersion
from . import chunking
from .drafts import Draft


@dataclass
class Tally:
    """What the model calls for one article cost."""

    calls: int = 0
    attempts: int = 0
    reasks: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Question:
    """One question a strategy asks: a template of the prompt version and the type of the answer."""

    template: str
    response_model: type[BaseModel]
    max_tokens: int | None = None
    context: dict[str, Any] = field(default_factory=dict)
    reask: bool = False  # a second try after a rejected answer: asked only within the budget (else None)


#: A strategy is a generator: it yields a Question, or a tuple of Questions that need only the article
#: (asked together: concurrently on a server, in one round of the Batch API), receives the answer or the
#: tuple of answers, and returns the Draft.
#: Written once, it runs under the sync driver and the async driver alike.
Step = Question | tuple[Question, ...]
Strategy = Callable[[Article, PromptVersion], Generator[Step, Any, Draft]]
#: A strategy's review: what it does with the draft of the whole article (its chunks' drafts merged),
#: given the article's text, before the draft is grounded.
Review = Callable[[str, Draft], Draft]


@dataclass
class Session:
    """One article being extracted with one prompt version on one backend."""

    article: Article
    prompt: PromptVersion
    backend: Backend
    params: GenerationParams
    strategy: Strategy  # the prompt version's (communique.strategies.strategy_for)
    review: Review | None = None  # the strategy's (communique.strategies.review_for)
    tally: Tally = field(default_factory=Tally)
    max_chunk_chars: int = chunking.MAX_CHUNK_CHARS
    max_reasks: int = 2
    max_tokens_per_article: int = 12_000
    deadline_s: float | None = None  # seconds for the whole article; None: no deadline
    out_of_time: bool = False  # the deadline passed after some answers arrived: the rest are None

    def messages(self, article: Article, question: Question) -> list[dict[str, str]]:
        context = {"article": article.text, **question.context}
        messages = []
        if "system" in self.prompt.templates:
            messages.append({"role": "system", "content": self.prompt.render("system", **context)})
        messages.append({"role": "user", "content": self.prompt.render(question.template, **context)})
        return messages

    def _params(self, question: Question) -> GenerationParams:
        if question.max_tokens is None:
            return self.params
        return dataclasses.replace(self.params, max_tokens=question.max_tokens)

    def _count(self, done: Completion[Any]) -> Any:
        self.tally.calls += 1
        self.tally.attempts += done.attempts
        self.tally.prompt_tokens += done.prompt_tokens
        self.tally.completion_tokens += done.completion_tokens
        return done.value

    def _chunks(self) -> list[tuple[chunking.Chunk, Article]]:
        pieces = chunking.split(self.article.text, self.max_chunk_chars)
        if len(pieces) == 1:
            return [(pieces[0], self.article)]
        self.tally.warnings.append(f"long article: extracted in {len(pieces)} overlapping chunks")
        return [
            (c, Article(text=c.text, id=f"{self.article.id}#{n}", source=self.article.source))
            for n, c in enumerate(pieces, start=1)
        ]

    def _admit(self, question: Question) -> bool:
        """Re-asks run only within the article's budget of re-asks and tokens."""
        if not question.reask:
            return True
        spent = self.tally.prompt_tokens + self.tally.completion_tokens
        if self.tally.reasks >= self.max_reasks or spent >= self.max_tokens_per_article:
            self.tally.warnings.append(f"re-ask budget spent; not asked: {question.template}")
            return False
        self.tally.reasks += 1
        return True

    def plan(self) -> Plan:
        """The whole extraction as a generator of model calls: it yields the calls that can be made
        together, is sent their completions in the same order, or thrown the CommuniqueError a
        call failed with, and returns the Draft: the chunks' drafts merged, then the strategy's
        review. One plan serves three drivers: :meth:`run`, :meth:`arun`, and the Batch API's rounds."""
        results: list[tuple[chunking.Chunk, Draft | CommuniqueError]] = []
        late: DeadlineExceeded | None = None  # once a chunk ran out of time, the later ones are not asked
        for chunk, article in self._chunks():
            if late is not None:
                results.append((chunk, late))
                continue
            try:
                results.append((chunk, (yield from self._plan_one(article))))
            except DeadlineExceeded as exc:
                late = exc
                results.append((chunk, exc))
            except CommuniqueError as exc:
                results.append((chunk, exc))
        draft = self._merge(results)
        return self.review(self.article.text, draft) if self.review is not None else draft

    def _plan_one(self, article: Article) -> Plan:
        steps = self.strategy(article, self.prompt)
        answer: Any = None
        while True:
            try:
                step = steps.send(answer)
            except StopIteration as stop:
                return stop.value
            questions = step if isinstance(step, tuple) else (step,)
            admitted = [self._admit(q) for q in questions]
            calls = [Call(self.messages(article, q), q.response_model, self._params(q))
                     for q, ok in zip(questions, admitted) if ok]
            done = iter((yield calls) if calls else [])
            values = [self._count(c) if ok and (c := next(done)) is not None else None for ok in admitted]
            answer = tuple(values) if isinstance(step, tuple) else values[0]

    def settle(self, done: list[Any]) -> list[Completion[Any] | None] | CommuniqueError:
        """The outcome of one step's calls (completions, ``None`` for those not asked, or the errors they
        failed with) for the plan. A question the model gave no valid answer to is left unanswered, with
        a warning, and the article goes on with the others (nothing already answered is lost); when the
        article has no answer at all, that failure is its error. Any other error is the article's."""
        def no_answer(d: Any) -> bool:
            return isinstance(d, ExtractionFailed) and not isinstance(d, DeadlineExceeded)

        if (other := next((d for d in done if isinstance(d, BaseException) and not no_answer(d)), None)) is not None:
            if not isinstance(other, CommuniqueError):
                raise other
            return other
        failed = [d for d in done if no_answer(d)]
        kept = [None if no_answer(d) else d for d in done]
        if failed:
            if not (self.tally.calls or any(k is not None for k in kept)):
                return failed[0]
            self.tally.warnings.append(f"partial result: no valid answer to {len(failed)} of the article's questions: {failed[0]}")
        return kept

    def run(self) -> Draft:
        with deadline.scope(self.deadline_s):
            plan = self.plan()
            outcome: list[Completion[Any] | None] | CommuniqueError | None = None
            while not isinstance(calls := step(plan, outcome), Draft):
                answers: list[Completion[Any] | ExtractionFailed | None] = []
                try:
                    for c in calls:
                        try:
                            answers.append(None if self.out_of_time else self.backend.complete(c.messages, c.response_model, c.params))
                        except DeadlineExceeded:
                            raise
                        except ExtractionFailed as exc:
                            answers.append(exc)
                    outcome = self.settle(answers)
                except DeadlineExceeded as exc:
                    outcome = self._late(exc, [a if isinstance(a, Completion) else None for a in answers], len(calls))
                except CommuniqueError as exc:
                    outcome = exc
            return calls

    async def arun(self) -> Draft:
        with deadline.scope(self.deadline_s):
            plan = self.plan()
            outcome: list[Completion[Any] | None] | CommuniqueError | None = None
            while not isinstance(calls := step(plan, outcome), Draft):
                if self.out_of_time:
                    outcome = [None] * len(calls)
                    continue
                done = await asyncio.gather(*(self.backend.acomplete(c.messages, c.response_model, c.params) for c in calls),
                                            return_exceptions=True)
                late = next((r for r in done if isinstance(r, DeadlineExceeded)), None)
                outcome = self.settle([None if isinstance(r, DeadlineExceeded) else r for r in done])
                if late is not None and not isinstance(outcome, CommuniqueError):
                    outcome = self._late(late, outcome, len(calls))
            return calls

    def _late(self, exc: DeadlineExceeded, answers: list[Completion[Any] | None], asked: int) -> list[Completion[Any] | None] | CommuniqueError:
        """The deadline passed during a call: with answers already in (this step or before), the article
        ends as a partial result with a warning; with none, as the error."""
        answered = self.tally.calls + sum(a is not None for a in answers)
        spent = self.tally.prompt_tokens + self.tally.completion_tokens + sum(a.prompt_tokens + a.completion_tokens for a in answers if a)
        if not answered:
            return DeadlineExceeded(f"{exc} (deadline {self.deadline_s:g} s; {spent} tokens spent)")
        self.out_of_time = True
        self.tally.warnings.append(
            f"partial result: the deadline ({self.deadline_s:g} s) passed with {answered} of the article's questions answered: {exc}"
        )
        return [*answers, *[None] * (asked - len(answers))]

    def _merge(self, results: list[tuple[chunking.Chunk, Draft | CommuniqueError]]) -> Draft:
        """Merge chunk drafts; a failed chunk is a warning (partial result) unless nothing succeeded."""
        parts = [(chunk, r) for chunk, r in results if isinstance(r, Draft)]
        failed = [(chunk, r) for chunk, r in results if isinstance(r, CommuniqueError)]
        if failed and (len(results) == 1 or not parts):
            raise failed[0][1]
        for chunk, exc in failed:
            self.tally.warnings.append(
                f"partial result: chunk at characters {chunk.start}-{chunk.end} of {len(self.article.text)} failed: {exc}"
            )
        return chunking.merge(parts)


Plan = Generator[list[Call], list[Completion[Any] | None], Draft]


def step(plan: Plan, outcome: list[Completion[Any] | None] | CommuniqueError | None) -> list[Call] | Draft:
    """Give a plan the outcome of its last calls (their completions, or the error thrown in; ``None``
    to start it): its next calls, or the Draft once it is done. Errors the plan does not handle raise."""
    try:
        return plan.throw(outcome) if isinstance(outcome, CommuniqueError) else plan.send(outcome)  # type: ignore[arg-type]
    except StopIteration as stop:
        return stop.value
