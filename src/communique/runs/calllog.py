"""The call log: every model call, answered or failed, written into the ledger's ``calls`` table.

:class:`CallLog` is a :class:`~communique.backends.base.WrappedBackend`, installed by whoever builds the
summariser (the CLI wraps its backend in one before it builds the :class:`~communique.Summariser`);
nothing swaps it in afterwards. A row names the article whose calls are being made: a runner says
which one with :func:`article_scope` (a context variable, so it follows the article's calls into
worker threads and asyncio tasks without changing the backend interface). Drivers that call the model
other than through a backend (the OpenAI Batch API) write their rows with :meth:`CallLog.record`.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel

from ..backends.base import Backend, Completion, GenerationParams, Messages, T, WrappedBackend
from ..inputs import Article
from ..ledger import Ledger
from ..prompting import PromptVersion

#: (article id, article sha256) of the article whose calls are being made, per thread / asyncio task.
_current_article: contextvars.ContextVar[tuple[str, str]] = contextvars.ContextVar("communique_article", default=("", ""))


@contextmanager
def article_scope(article: Article) -> Iterator[None]:
    """Model calls made in the body are logged as ``article``'s."""
    token = _current_article.set((article.id, article.sha256))
    try:
        yield
    finally:
        _current_article.reset(token)


@functools.lru_cache(maxsize=256)
def schema_hash(response_model: type[BaseModel]) -> str:
    """A short hash of an answer type's JSON Schema (computed once per type: it costs milliseconds)."""
    schema = json.dumps(response_model.model_json_schema(), sort_keys=True)
    return hashlib.sha256(schema.encode()).hexdigest()[:16]


class CallLog(WrappedBackend):
    """Wraps a backend and writes every call, answered or failed, into the ledger."""

    def __init__(self, inner: Backend, ledger: Ledger, prompt: PromptVersion) -> None:
        super().__init__(inner)
        self.ledger = ledger
        self.prompt_key, self.prompt_hash = prompt.key, prompt.hash

    def record(self, response_model: type[BaseModel], params: GenerationParams, done: Completion[Any] | None,
               error: Exception | None, latency_s: float, article: tuple[str, str]) -> None:
        """Write one call; used directly by drivers that call the model other than through this backend."""
        article_id, article_sha = article
        self.ledger.log_call(
            article_id=article_id, article_sha256=article_sha, prompt=self.prompt_key,
            prompt_hash=self.prompt_hash, question=response_model.__name__,
            schema_hash=schema_hash(response_model), backend=self.name, model=self.model,
            parameters={**params.as_dict(), **self.inner.describe()},
            prompt_tokens=done.prompt_tokens if done else None,
            completion_tokens=done.completion_tokens if done else None,
            attempts=done.attempts if done else None,
            latency_s=round(latency_s, 3),
            error=f"{type(error).__name__}: {error}" if error else None,
        )

    def _log(self, response_model: type[BaseModel], params: GenerationParams, done: Completion[Any] | None,
             error: Exception | None, started: float) -> None:
        self.record(response_model, params, done, error, time.perf_counter() - started, _current_article.get())

    def complete(self, messages: Messages, response_model: type[T], params: GenerationParams) -> Completion[T]:
        started = time.perf_counter()
        try:
            done = self.inner.complete(messages, response_model, params)
        except Exception as exc:
            self._log(response_model, params, None, exc, started)
            raise
        self._log(response_model, params, done, None, started)
        return done

    async def acomplete(self, messages: Messages, response_model: type[T], params: GenerationParams) -> Completion[T]:
        started = time.perf_counter()
        try:
            done = await self.inner.acomplete(messages, response_model, params)
        except Exception as exc:
            self._log(response_model, params, None, exc, started)
            raise
        self._log(response_model, params, done, None, started)
        return done
