"""Stage 4b, extraction: ask the model the prompt version's questions and collect an ungrounded draft.

A prompt version names its *strategy*. ``single-call`` asks for the whole draft at once. The draft
types here are what the model is asked to fill: plain strings, no offsets. Offsets are the grounding
stage's job, which checks every string against the article.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Callable, Generator
from typing import Any

from pydantic import BaseModel, Field

from .backends.base import Backend, Completion, GenerationParams
from .errors import ConfigError
from .inputs import Article
from .prompting import PromptVersion
from .schema.v1 import DomainLabel, PartyKind


class DraftParty(BaseModel):
    name: str
    kind: PartyKind = PartyKind.country


class DraftChair(BaseModel):
    name: str
    title: str | None = None
    party: str | None = None


class DraftDomain(BaseModel):
    label: DomainLabel
    wording: str


class DraftQuote(BaseModel):
    text: str
    speaker: str | None = None
    speaker_party: str | None = None


class DraftEvent(BaseModel):
    kind: str | None = None
    title: str | None = None
    date: str | None = Field(default=None, description="YYYY-MM-DD")
    location: str | None = None


class Draft(BaseModel):
    """The whole summary as the model sees it: strings only."""

    parties: list[DraftParty] = Field(default_factory=list)
    chairs: list[DraftChair] = Field(default_factory=list)
    domains: list[DraftDomain] = Field(default_factory=list)
    quotes: list[DraftQuote] = Field(default_factory=list)
    event: DraftEvent = Field(default_factory=DraftEvent)
    summary: str = ""


@dataclass
class Tally:
    """What the model calls for one article cost."""

    calls: int = 0
    attempts: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    model_seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Question:
    """One question a strategy asks: a template of the prompt version and the type of the answer."""

    template: str
    response_model: type[BaseModel]
    max_tokens: int | None = None
    context: dict[str, Any] = field(default_factory=dict)


#: A strategy is a generator: it yields Questions, receives each answer, and returns the Draft.
#: Written once, it runs under the sync driver and the async driver alike.
Strategy = Callable[[Article, PromptVersion], Generator[Question, Any, Draft]]


@dataclass
class Session:
    """One article being extracted with one prompt version on one backend."""

    article: Article
    prompt: PromptVersion
    backend: Backend
    params: GenerationParams
    tally: Tally = field(default_factory=Tally)

    def messages(self, question: Question) -> list[dict[str, str]]:
        context = {"article": self.article.text, **question.context}
        messages = []
        if "system" in self.prompt.templates:
            messages.append({"role": "system", "content": self.prompt.render("system", **context)})
        messages.append({"role": "user", "content": self.prompt.render(question.template, **context)})
        return messages

    def _params(self, question: Question) -> GenerationParams:
        if question.max_tokens is None:
            return self.params
        return GenerationParams(temperature=self.params.temperature, max_tokens=question.max_tokens, seed=self.params.seed)

    def _count(self, done: Completion[Any]) -> Any:
        self.tally.calls += 1
        self.tally.attempts += done.attempts
        self.tally.prompt_tokens += done.prompt_tokens
        self.tally.completion_tokens += done.completion_tokens
        self.tally.model_seconds += done.latency_s
        return done.value

    def run(self) -> Draft:
        steps = strategy_for(self.prompt)(self.article, self.prompt)
        answer: Any = None
        try:
            while True:
                question = steps.send(answer)
                answer = self._count(
                    self.backend.complete(self.messages(question), question.response_model, self._params(question))
                )
        except StopIteration as stop:
            return stop.value

    async def arun(self) -> Draft:
        steps = strategy_for(self.prompt)(self.article, self.prompt)
        answer: Any = None
        try:
            while True:
                question = steps.send(answer)
                answer = self._count(
                    await self.backend.acomplete(self.messages(question), question.response_model, self._params(question))
                )
        except StopIteration as stop:
            return stop.value


def single_call(article: Article, prompt: PromptVersion) -> Generator[Question, Any, Draft]:
    draft = yield Question("user", Draft)
    return draft


STRATEGIES: dict[str, Strategy] = {"single-call": single_call}


def strategy_for(prompt: PromptVersion) -> Strategy:
    try:
        return STRATEGIES[prompt.strategy]
    except KeyError:
        raise ConfigError(f"prompt {prompt.key} asks for unknown strategy {prompt.strategy!r}") from None
