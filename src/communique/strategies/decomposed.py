"""The ``decomposed`` strategy (prompt v2): deterministic candidates first (chair candidates, domain
mentions, quotations and their cues), then small questions the model answers by choosing among them,
and the name heuristics that turn its answers into chairs and speakers' parties. The whole article's
draft is reviewed with the simple rules of :mod:`.unassisted`.

The regular-expression finders only prompt v2 uses are here: chair candidates and the title and owner
around them, name-like spans (speaker options) and instruction-like sentences. Quotations, speech cues
and the domain lexicon are shared with ``assisted`` (:mod:`communique.reading.candidates`)."""

from __future__ import annotations

import re
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from ..checks.reasons import Reason
from ..inputs import Article
from ..pipeline.drafts import Draft, DraftChair, DraftDomain, DraftEvent, DraftParty, DraftQuote
from ..pipeline.grounding import Grounder
from ..pipeline.session import Question, Step
from ..prompting import PromptVersion
from ..reading import candidates, lexicon
from ..reading.text import TITLE_HEADS, normalise, split_title
from ..schema.v1 import Rejection
from . import register
from .unassisted import CHAIR_WORDS, review

MAX_PARTIES = 6
MAX_CHAIRS = 4
MAX_SPEAKER_OPTIONS = 12


class PartiesOnly(BaseModel):
    parties: list[DraftParty] = Field(default_factory=list, max_length=MAX_PARTIES)


def _parties_chairs_model(options: list[str]) -> type[BaseModel]:
    chair = Literal[tuple(options)] if options else str
    return create_model(
        "PartiesAndChairs",
        parties=(list[DraftParty], Field(default_factory=list, max_length=MAX_PARTIES)),
        chairs=(list[chair], Field(default_factory=list, max_length=min(MAX_CHAIRS, max(1, len(options))))),  # type: ignore[valid-type]
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
    return create_model("DomainPick", fields=(list[choice], Field(max_length=len(options))))  # type: ignore[valid-type]


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
        for name in find_names(text[start : end if end >= 0 else len(text)]):
            seen.setdefault(name.casefold(), name)
    return list(seen.values())[:MAX_SPEAKER_OPTIONS]


@register("decomposed", review)
def decomposed(article: Article, prompt: PromptVersion) -> Generator[Step, Any, Draft]:
    text = article.text
    draft = Draft()
    injected = find_instructions(text)
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
    chair_options = chair_candidates(text)
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
    pc: Any = answers.pop(0) or questions[0].response_model()  # None: the deadline passed before it was answered
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
        draft.rejected += [Rejection(field="parties", value=p.name, reason=Reason.NOT_NAMED) for p in refused]
    for span in (by_name[c] for c in dict.fromkeys(pc.chairs) if c in by_name):
        name, rank = split_title(span.name)
        title, owner = describe_person(text, span)
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


def looks_like_title(name: str) -> bool:
    """'Inspector General of the Royal Armed Forces' names an office, not a person."""
    return bool(TITLE_HEADS.match(name)) and (" of " in name or len(name.split()) <= 2)


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


# -- instruction-like text ------------------------------------------------------------------------

_ADDRESSEE = r"(?:ai|a\.i\.|llms?|gpts?|chatgpt|(?:large\s+)?language\s+models?|assistants?|chatbots?|bots?|models?|summari[sz]ers?|(?:ai\s+)?systems?)"
_INSTRUCTION = re.compile(
    # "ignore / disregard / forget the previous instructions ..."
    r"[^.!?\n]*\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:the\s+|your\s+|of\s+the\s+)?"
    r"(?:previous|prior|above|earlier|preceding|original)\s+(?:instructions?|prompts?|rules?|directions?)[^.!?\n]*[.!?]?"
    # "Note to AI summarisers: ...", "Message for language models: ...", "If you are an AI, ..."
    rf"|[^.!?\n]*\b(?:note|message|instructions?|attention)\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?(?:\w+\s+)?{_ADDRESSEE}\b[^.!?\n]*[.!?]?"
    rf"|[^.!?\n]*\bif\s+you\s+are\s+an?\s+(?:\w+\s+)?{_ADDRESSEE}\b[^.!?\n]*[.!?]?"
    r"|[^.!?\n]*\b(?:system prompt|you are now an?|new instructions:)[^.!?\n]*[.!?]?",
    re.I,
)


def find_instructions(text: str) -> list[tuple[int, int]]:
    """Sentences that address the model rather than report news (prompt-injection attempts)."""
    return [(m.start(), m.end()) for m in _INSTRUCTION.finditer(text) if m.group(0).strip()]


# -- name-like spans ------------------------------------------------------------------------------

_WORD = r"[A-Z](?:[\w-]|[\u2019'](?![sS]\b))*"
_NAME_RUN = re.compile(rf"(?<![\w\u2019']){_WORD}(?:\s+(?:of|for|the|de|al)\s+{_WORD}|\s+(?:of the)\s+{_WORD}|\s+{_WORD})*")
_SENTENCE_OPENERS = lexicon.words("sentence_openers")


def find_names(text: str) -> list[str]:
    """Capitalised word runs that may name a person or an organisation, in order, without repeats.
    A single capitalised word that only starts a sentence is not a name."""
    names: dict[str, str] = {}
    for m in _NAME_RUN.finditer(text):
        name = re.sub(r"[\u2019']s$", "", m.group(0)).strip()
        words = name.split()
        if words and words[0].casefold() in _SENTENCE_OPENERS:
            words = words[1:]
            name = " ".join(words)
        if not words:
            continue
        before = text[: m.start()].rstrip(" \t")
        if len(words) == 1 and (not before or before[-1] in ".!?\n\"\u201c"):
            continue
        names.setdefault(name.casefold(), name)
    return list(names.values())


# -- chair candidates ------------------------------------------------------------------------------

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")


@dataclass(frozen=True)
class NameSpan:
    name: str
    start: int
    end: int


def chair_candidates(text: str) -> list[NameSpan]:
    """Who may have chaired: name-like spans in sentences that say someone chaired, co-chaired, led,
    headed or presided, leaving out the offices written as a person's title ('X, Director of Y,')."""
    found: dict[str, NameSpan] = {}
    for sentence in _SENTENCE.finditer(text):
        if not CHAIR_WORDS.search(sentence.group(0)):
            continue
        skip_until = -1
        for m in _NAME_RUN.finditer(sentence.group(0)):
            name = m.group(0)
            words = name.split()
            if words[0].casefold() in _SENTENCE_OPENERS:
                name = " ".join(words[1:])
            start = sentence.start() + m.start() + m.group(0).index(name) if name else 0
            if len(name.split()) < 2 or start < skip_until:
                continue
            span = NameSpan(name, start, start + len(name))
            if appositive := _APPOSITIVE.match(text[span.end : span.end + 200]):
                skip_until = span.end + appositive.end("title")
            found.setdefault(name.casefold(), span)
    return list(found.values())


_APPOSITIVE = re.compile(r"^,\s*(?P<title>[^,;.\n]{3,140}?)\s*(?:,|;|\.|\s+and\s+[A-Z]|$)")
_POSSESSIVE_BEFORE = re.compile(r"(?P<owner>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)[\u2019']s\s+(?P<rank>(?:[A-Z][\w.-]*\s+)*)$")


def describe_person(text: str, span: NameSpan) -> tuple[str | None, str | None]:
    """(title, owner) from the text around a name: 'Morocco's General X, Inspector General of Y,'
    -> ('Inspector General of Y', 'Morocco'); the rank before the name when no appositive follows."""
    title = owner = None
    if m := _APPOSITIVE.match(text[span.end : span.end + 200]):
        title = m.group("title").strip()
    line_start = max(text.rfind("\n", 0, span.start), text.rfind(". ", 0, span.start)) + 1
    if m := _POSSESSIVE_BEFORE.search(text[line_start : span.start]):
        owner = m.group("owner")
        rank = m.group("rank").strip()
        if rank and title is None:
            title = rank
    return title, owner
