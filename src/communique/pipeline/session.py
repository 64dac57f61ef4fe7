"""Stage 4b, extraction: ask the model the prompt version's questions and collect an ungrounded draft.

A prompt version names its *strategy*. ``single-call`` asks for the whole draft at once. The draft
types here are what the model is asked to fill: plain strings, no offsets. Offsets are the grounding
stage's job, which checks every string against the article.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from dataclasses import dataclass, field
from collections.abc import Callable, Generator
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from . import candidates
from ..backends.base import Backend, Completion, GenerationParams
from . import chunking
from .. import deadline
from ..errors import CommuniqueError, ConfigError, DeadlineExceeded
from ..inputs import Article
from ..prompting import PromptVersion
from .drafts import Draft, DraftChair, DraftDomain, DraftEvent, DraftParty, DraftQuote
from .grounding import Grounder, normalise, split_title
from ..schema.v1 import Rejection


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


@dataclass(frozen=True)
class Call:
    """One model call a session needs: the chat, the answer's type and the generation parameters."""

    messages: list[dict[str, str]]
    response_model: type[BaseModel]
    params: GenerationParams
    question: str = ""


#: A strategy is a generator: it yields a Question, or a tuple of Questions that need only the article
#: (asked together: concurrently on a server, in one round of the Batch API), receives the answer or the
#: tuple of answers, and returns the Draft.
#: Written once, it runs under the sync driver and the async driver alike.
Step = Question | tuple[Question, ...]
Strategy = Callable[[Article, PromptVersion], Generator[Step, Any, Draft]]


@dataclass
class Session:
    """One article being extracted with one prompt version on one backend."""

    article: Article
    prompt: PromptVersion
    backend: Backend
    params: GenerationParams
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
        call failed with, and returns the Draft. One plan serves three drivers: :meth:`run`,
        :meth:`arun`, and the Batch API's rounds."""
        results: list[tuple[chunking.Chunk, Draft | CommuniqueError]] = []
        for chunk, article in self._chunks():
            try:
                results.append((chunk, (yield from self._plan_one(article))))
            except CommuniqueError as exc:
                results.append((chunk, exc))
        return self._merge(results)

    def _plan_one(self, article: Article) -> Plan:
        steps = strategy_for(self.prompt)(article, self.prompt)
        answer: Any = None
        while True:
            try:
                step = steps.send(answer)
            except StopIteration as stop:
                return stop.value
            questions = step if isinstance(step, tuple) else (step,)
            admitted = [self._admit(q) for q in questions]
            calls = [Call(self.messages(article, q), q.response_model, self._params(q), q.template)
                     for q, ok in zip(questions, admitted) if ok]
            done = iter((yield calls) if calls else [])
            values = [self._count(c) if ok and (c := next(done)) is not None else None for ok in admitted]
            answer = tuple(values) if isinstance(step, tuple) else values[0]

    def run(self) -> Draft:
        with deadline.scope(self.deadline_s):
            plan = self.plan()
            outcome: list[Completion[Any] | None] | CommuniqueError | None = None
            while not isinstance(calls := step(plan, outcome), Draft):
                answers: list[Completion[Any] | None] = []
                try:
                    for c in calls:
                        answers.append(None if self.out_of_time else self.backend.complete(c.messages, c.response_model, c.params))
                    outcome = answers
                except DeadlineExceeded as exc:
                    outcome = self._late(exc, answers, len(calls))
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
                failed = next((r for r in done if isinstance(r, BaseException) and not isinstance(r, DeadlineExceeded)), None)
                if failed is not None and not isinstance(failed, CommuniqueError):
                    raise failed
                late = next((r for r in done if isinstance(r, DeadlineExceeded)), None)
                if failed is not None:
                    outcome = failed
                elif late is not None:
                    kept = [None if isinstance(r, BaseException) else r for r in done]
                    outcome = self._late(late, kept, len(calls))  # type: ignore[arg-type]
                else:
                    outcome = list(done)  # type: ignore[arg-type]
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


Plan = Generator[list[Call], list[Completion[Any]], Draft]


def step(plan: Plan, outcome: list[Completion[Any]] | CommuniqueError | None) -> list[Call] | Draft:
    """Give a plan the outcome of its last calls (their completions, or the error thrown in; ``None``
    to start it): its next calls, or the Draft once it is done. Errors the plan does not handle raise."""
    try:
        return plan.throw(outcome) if isinstance(outcome, CommuniqueError) else plan.send(outcome)  # type: ignore[arg-type]
    except StopIteration as stop:
        return stop.value


def single_call(article: Article, prompt: PromptVersion) -> Generator[Step, Any, Draft]:
    draft = yield Question("user", Draft)
    return draft if draft is not None else Draft(warnings=["no answer before the deadline"])


# -- decomposed: deterministic candidates, small questions, checked answers ---------------------------

MAX_PARTIES = 6
MAX_CHAIRS = 4
MAX_SPEAKER_OPTIONS = 12


class PartiesOnly(BaseModel):
    parties: list[DraftParty] = Field(default_factory=list, max_length=MAX_PARTIES)


def _parties_chairs_model(options: list[str]) -> type[BaseModel]:
    chair = Literal[tuple(options)] if options else str  # type: ignore[valid-type]
    return create_model(  # type: ignore[call-overload]
        "PartiesAndChairs",
        parties=(list[DraftParty], Field(default_factory=list, max_length=MAX_PARTIES)),
        chairs=(list[chair], Field(default_factory=list, max_length=min(MAX_CHAIRS, max(1, len(options))))),
        kind=(str | None, None),
        location=(str | None, None),
        date=(str | None, Field(default=None, description="YYYY-MM-DD")),
    )


def _choice_model(name: str, options: list[str], keys: list[str]) -> type[BaseModel]:
    """A response type whose every field must be one of ``options`` (a grammar enforces it)."""
    choice = Literal[tuple(options)]  # type: ignore[valid-type]
    return create_model(name, **{k: (choice, ...) for k in keys})  # type: ignore[call-overload]


def _pick_model(options: list[str]) -> type[BaseModel]:
    choice = Literal[tuple(options)]  # type: ignore[valid-type]
    return create_model("DomainPick", fields=(list[choice], Field(max_length=len(options))))  # type: ignore[call-overload]


def speaker_options(text: str, quotes: list[candidates.QuoteCandidate], around: list[int]) -> list[str]:
    """Who could have said the quotations at ``around``: every cue speaker in the article, then the
    name-like spans of their paragraphs and the paragraphs before them."""
    seen: dict[str, str] = {}
    for q in quotes:
        for cue in q.cues:
            seen.setdefault(cue.speaker.casefold(), cue.speaker)
    for i in around:
        start = text.rfind("\n", 0, max(0, text.rfind("\n", 0, quotes[i].start))) + 1
        end = text.find("\n", quotes[i].end)
        for name in candidates.find_names(text[start : end if end >= 0 else len(text)]):
            seen.setdefault(name.casefold(), name)
    return list(seen.values())[:MAX_SPEAKER_OPTIONS]


def decomposed(article: Article, prompt: PromptVersion) -> Generator[Step, Any, Draft]:
    text = article.text
    draft = Draft()
    injected = candidates.find_instructions(text)
    shown = candidates.mask(text, injected) if injected else text
    if injected:
        draft.warnings.append(
            f"{len(injected)} instruction-like sentence(s) in the article were hidden from the model: "
            + "; ".join(repr(text[a:b].strip()[:80]) for a, b in injected)
        )

    def ask(template: str, model: type[BaseModel], max_tokens: int | None = None, **context: Any) -> Question:
        return Question(template, model, max_tokens, {"article": shown, **context})

    # What can be found exactly is found first: chair candidates (people named where the article says
    # "chaired"), domain mentions (the lexicon), quotations and their speech cues.
    chair_options = candidates.chair_candidates(text)
    by_name = {o.name: o for o in chair_options}
    mentions = candidates.find_domains(text)
    domain_options = [m.wording for m in mentions]
    quotes = candidates.find_quotes(text)
    candidates.attach_cues(text, quotes)
    speakers: dict[int, str | None] = {i: (q.strong_cue.speaker if q.strong_cue else None) for i, q in enumerate(quotes)}
    open_ = [i for i, q in enumerate(quotes) if q.strong_cue is None]  # no strong cue: the model decides
    speaker_choices = speaker_options(text, quotes, open_) if open_ else []
    keys = [f"q{n}" for n in range(1, len(open_) + 1)]

    # The model's judgements need only the article, so they are asked together:
    # 1. parties, and which chair candidates chaired; 2. which domain mentions are cooperation;
    # 3. who said the quotations without a strong cue.
    questions = [ask("parties_chairs", _parties_chairs_model([o.name for o in chair_options]), 240,
                     chairs=[o.name for o in chair_options])]
    if mentions:
        questions.append(ask("domains", _pick_model(domain_options), 40 + 12 * len(domain_options),
                             candidates=domain_options))
    if speaker_choices:
        shown_quotes = [{"key": k, "text": quotes[i].text[:300]} for k, i in zip(keys, open_)]
        questions.append(ask("attribution", _choice_model("Attribution", [*speaker_choices, "unknown"], keys),
                             20 + 16 * len(keys), quotes=shown_quotes, speakers=speaker_choices))
    answers = list((yield tuple(questions)))
    pc = answers.pop(0) or questions[0].response_model()  # None: the deadline passed before it was answered
    picked = answers.pop(0) if mentions else None
    attribution = answers.pop(0) if speaker_choices else None

    draft.parties = list(pc.parties)
    grounder = Grounder(text)
    refused = [p for p in draft.parties if not grounder.find_all(p.name) and grounder.locate(p.name, words=True) is None]
    if refused:  # a party the article does not name is asked again, once, within the budget
        draft.parties = [p for p in draft.parties if p not in refused]
        retry = yield Question("retry_parties", PartiesOnly, 120,
                               {"article": shown, "rejected": [p.name for p in refused]}, reask=True)
        for p in retry.parties if retry is not None else []:
            if grounder.find_all(p.name) and all(normalise(p.name) != normalise(x.name) for x in draft.parties):
                draft.parties.append(p)
        draft.rejected += [Rejection(field="parties", value=p.name, reason="not named in the article") for p in refused]
    for span in (by_name[c] for c in dict.fromkeys(pc.chairs) if c in by_name):
        name, rank = split_title(span.name)
        title, owner = candidates.describe_person(text, span)
        if looks_like_title(span.name):
            name, title = span.name, span.name
        party = match_party(owner, draft.parties) or party_of(title, draft.parties) or party_of(owner, draft.parties)
        draft.chairs.append(DraftChair(name=name, title=title or rank or None, party=party))

    if picked is not None:
        chosen = {w.casefold() for w in picked.fields}
        draft.domains = [DraftDomain(label=m.label, wording=m.wording) for m in mentions if m.wording.casefold() in chosen]

    if attribution is not None:
        for k, i in zip(keys, open_):
            value = getattr(attribution, k)
            speakers[i] = None if value == "unknown" else value
    draft.quotes = [
        DraftQuote(text=q.text, speaker=speakers[i], speaker_party=party_of(speakers[i], draft.parties), start=q.start)
        for i, q in enumerate(quotes)
    ]

    names = [p.name for p in draft.parties]
    title = f"{'–'.join(names)} {pc.kind or 'meeting'}" if names else None
    draft.event = DraftEvent(kind=pc.kind, title=title, date=pc.date, location=pc.location)
    return draft  # the summary is written from the checked facts, after grounding


_TITLE_HEADS = re.compile(
    r"^(?:the\s+)?(?:inspector|director|chief|head|commander|secretary|minister|president|chair|ambassador|"
    r"deputy|general|spokes\w+)\b", re.I
)


def looks_like_title(name: str) -> bool:
    """'Inspector General of the Royal Armed Forces' names an office, not a person."""
    return bool(_TITLE_HEADS.match(name)) and (" of " in name or len(name.split()) <= 2)


def match_party(owner: str | None, parties: list[DraftParty]) -> str | None:
    if not owner:
        return None
    return next((p.name for p in parties if normalise(p.name) == normalise(owner)), None)


def party_of(speaker: str | None, parties: list[DraftParty]) -> str | None:
    """The party a speaker phrase names: 'the Moroccan army' -> 'Morocco' (shared stem of 5+ letters)."""
    if not speaker:
        return None
    words = [w.casefold().removesuffix("'s").removesuffix("’s") for w in speaker.split()]
    for p in parties:
        stem = p.name.casefold()[:5]
        if len(stem) >= 4 and any(w.startswith(stem) for w in words):
            return p.name
    return None


STRATEGIES: dict[str, Strategy] = {"single-call": single_call, "decomposed": decomposed}


def strategy_for(prompt: PromptVersion) -> Strategy:
    if prompt.strategy == "assisted" and "assisted" not in STRATEGIES:  # needs the nlp extra: loaded on first use
        from .assisted import assisted

        STRATEGIES["assisted"] = assisted
    try:
        return STRATEGIES[prompt.strategy]
    except KeyError:
        raise ConfigError(f"prompt {prompt.key} asks for unknown strategy {prompt.strategy!r}") from None
