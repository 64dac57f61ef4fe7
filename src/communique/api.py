"""The Python API: :func:`summarise`, :func:`asummarise` and :class:`Summariser`."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from . import deadline as _deadline
from ._version import __version__
from .backends import Backend, GenerationParams, create_backend
from .errors import ConfigError
from .inputs import Article, as_article
from .pipeline import chunking
from .pipeline.drafts import Draft
from .pipeline.grounding import ground
from .pipeline.session import Session
from .strategies import review_for, strategy_for
from .prompting import DEFAULT_PROMPT_VERSION, PromptVersion, get_prompt
from .schema.v1 import Provenance, Summary, Usage

ArticleLike = Article | str | Path


def input_warnings(article: Article) -> list[str]:
    """Warnings about how this input was read (not about its text, so a cached summary of the same text
    read from another input does not carry them)."""
    if encoding := article.metadata.get("encoding"):
        return [f"the input is not UTF-8; it was decoded as {encoding}, the encoding detected (check accented letters)"]
    return []


def check_deadline(deadline: object) -> None:
    """Raise :class:`ConfigError` unless ``deadline`` is seconds above 0, ``"auto"`` or ``None``."""
    if deadline is not None and deadline != "auto" and not (isinstance(deadline, (int, float)) and deadline > 0):
        raise ConfigError(f"deadline must be a number of seconds above 0, 'auto' or None, not {deadline!r}")


class Summariser:
    """Keeps one backend (and, for ``local``, one loaded model) for many articles.

    >>> s = Summariser()                       # embedded local model
    >>> s = Summariser("openai", model="gpt-4o-mini")
    >>> s = Summariser("openai", base_url="http://127.0.0.1:8080/v1")
    >>> summary = s.summarise(Path("article.txt"))   # str is article text, Path is a file

    Drivers other than :meth:`summarise` and :meth:`asummarise` (the OpenAI Batch API's rounds) use
    :meth:`start` and :meth:`finish`; a cache of finished summaries keys them by :meth:`fingerprint`.
    """

    def __init__(
        self,
        backend: str | Backend = "local",
        *,
        model: str | None = None,
        prompt_version: str = DEFAULT_PROMPT_VERSION,
        max_chunk_chars: int = chunking.MAX_CHUNK_CHARS,
        deadline: float | Literal["auto"] | None = "auto",
        wrap: Callable[[Backend, PromptVersion], Backend] | None = None,
        **backend_options: Any,
    ) -> None:
        """``wrap``: called with the backend once it is built (after the prompt version and the deadline
        are checked) and this summariser's prompt; what it returns is the backend used, e.g. a
        :class:`~communique.runs.calllog.CallLog` around it."""
        self.prompt: PromptVersion = get_prompt(prompt_version)
        self.max_chunk_chars = max_chunk_chars
        check_deadline(deadline)
        #: Seconds per article: "auto" scales with the article's length (see communique.deadline), None: none.
        self.deadline = deadline
        built = backend if isinstance(backend, Backend) else create_backend(backend, model=model, **backend_options)
        self.backend = wrap(built, self.prompt) if wrap is not None else built
        self.params = GenerationParams.from_mapping(self.prompt.parameters)

    def start(self, article: ArticleLike) -> Session:
        """The extraction of one article, not yet run: drive its :meth:`~Session.plan` (or call
        :meth:`~Session.run`), then give the draft to :meth:`finish`."""
        article = as_article(article)
        seconds = _deadline.default_seconds(article.text) if self.deadline == "auto" else self.deadline
        return Session(article, self.prompt, self.backend, self.params, strategy_for(self.prompt), review_for(self.prompt),
                       max_chunk_chars=self.max_chunk_chars, deadline_s=seconds)

    def summarise(self, article: ArticleLike) -> Summary:
        started = time.perf_counter()
        session = self.start(article)
        return self.finish(session, session.run(), started)

    async def asummarise(self, article: ArticleLike) -> Summary:
        started = time.perf_counter()
        session = self.start(article)
        return self.finish(session, await session.arun(), started)

    def finish(self, session: Session, draft: Draft, started: float) -> Summary:
        """The summary of a session's draft: grounded against the article, the summary written from the
        checked facts, and the provenance (``started``: ``time.perf_counter()`` when the article began)."""
        grounded = ground(session.article.text, draft)
        if "summary" in self.prompt.templates:  # written from the checked facts by the prompt's template
            facts = {k: getattr(grounded, k) for k in ("parties", "chairs", "domains", "quotes", "event")}
            grounded.summary = " ".join(self.prompt.render("summary", **facts).split())
        t = session.tally
        provenance = Provenance(
            prompt_id=self.prompt.id,
            prompt_version=self.prompt.version,
            prompt_hash=self.prompt.hash,
            backend=self.backend.name,
            model=self.backend.model,
            model_sha256=self.backend.model_sha256,
            parameters={**self.params.as_dict(), **self.backend.describe()},
            usage=Usage(
                prompt_tokens=t.prompt_tokens,
                completion_tokens=t.completion_tokens,
                total_tokens=t.prompt_tokens + t.completion_tokens,
            ),
            latency_s=round(time.perf_counter() - started, 3),
            calls=t.calls,
            attempts=t.attempts,
            article_sha256=session.article.sha256,
            communique_version=__version__,
        )
        return Summary(
            parties=grounded.parties,
            chairs=grounded.chairs,
            domains=grounded.domains,
            quotes=grounded.quotes,
            event=grounded.event,
            summary=grounded.summary,
            rejected=grounded.rejected,
            warnings=input_warnings(session.article) + t.warnings + grounded.warnings,
            provenance=provenance,
        )

    def fingerprint(self, article: ArticleLike) -> str:
        """A key for this article's summary: the sha256 of everything that determines it (the article's
        sha256, prompt version and hash, schema version, model and its sha256, generation parameters and
        chunk size). Two summarisers with equal fingerprints for an article give it the same summary."""
        p = self.prompt
        parameters = {**self.params.as_dict(), "max_chunk_chars": self.max_chunk_chars}
        material = [as_article(article).sha256, p.key, p.hash, p.schema_version, self.backend.model,
                    self.backend.model_sha256, parameters]
        return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> Summariser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_default: dict[tuple[Any, ...], Summariser] = {}


def _cached(backend: str, model: str | None, prompt_version: str, options: dict[str, Any]) -> Summariser:
    key = (backend, model, prompt_version, tuple(sorted(options.items())))
    if key not in _default:
        _default[key] = Summariser(backend, model=model, prompt_version=prompt_version, **options)
    return _default[key]


def summarise(
    article: ArticleLike,
    *,
    backend: str = "local",
    model: str | None = None,
    prompt_version: str = DEFAULT_PROMPT_VERSION,
    deadline: float | Literal["auto"] | None = "auto",
    **backend_options: Any,
) -> Summary:
    """Summarise one article. ``str`` is article text; pass a :class:`~pathlib.Path` to read a file.
    The backend (and a local model) is created on first use and reused by later calls. ``deadline``:
    seconds the article may take ("auto": scaled by its length, see :mod:`communique.deadline`; None:
    unbounded); past it, generation stops and :class:`DeadlineExceeded` is raised, or a partial result
    is returned with a warning when some answers had arrived."""
    return _cached(backend, model, prompt_version, {**backend_options, "deadline": deadline}).summarise(article)


async def asummarise(
    article: ArticleLike,
    *,
    backend: str = "local",
    model: str | None = None,
    prompt_version: str = DEFAULT_PROMPT_VERSION,
    deadline: float | Literal["auto"] | None = "auto",
    **backend_options: Any,
) -> Summary:
    """The async twin of :func:`summarise`."""
    return await _cached(backend, model, prompt_version, {**backend_options, "deadline": deadline}).asummarise(article)
