"""Stage 4, backends: one small interface for every way of reaching a model."""

from __future__ import annotations

import asyncio
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T", bound=BaseModel)
Messages = list[dict[str, str]]


@dataclass(frozen=True)
class GenerationParams:
    temperature: float = 0.0
    max_tokens: int = 1024
    seed: int | None = 0
    #: How a backend that writes under a grammar produces the JSON: "json" (every token decoded) or
    #: "values" (the keys and punctuation the schema fixes are read as prompt text; only the values are
    #: written). Backends without a grammar ignore it.
    decoding: str = "json"
    #: How many alternatives to report with each written token's logprob (0: no logprobs). Backends
    #: that can give them fill :attr:`Completion.logprobs`.
    logprobs: int = 0

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> GenerationParams:
        known = {k: values[k] for k in ("temperature", "max_tokens", "seed", "decoding", "logprobs") if k in values}
        return cls(**known)

    def as_dict(self) -> dict[str, Any]:
        plain: dict[str, Any] = {"temperature": self.temperature, "max_tokens": self.max_tokens, "seed": self.seed}
        if self.decoding != "json":
            plain["decoding"] = self.decoding
        if self.logprobs:
            plain["logprobs"] = self.logprobs
        return plain


@dataclass(frozen=True)
class TokenLogprob:
    """One token the model wrote: its text, its log probability, and the most likely alternatives at
    that position with theirs (the written token among them when it was one of the most likely)."""

    token: str
    logprob: float
    top: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Call:
    """One model call: the chat, the answer's type and the generation parameters (what
    :meth:`Backend.complete` takes), as one value a driver can hold and send: one at a time,
    concurrently, or in an OpenAI Batch API job."""

    messages: Messages
    response_model: type[BaseModel]
    params: GenerationParams


@dataclass
class Completion(Generic[T]):
    """One answered question: the validated value plus what it cost."""

    value: T
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_s: float = 0.0
    attempts: int = 1
    raw: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    #: The written tokens with their logprobs, when the params asked for them and the backend gives them.
    logprobs: list[TokenLogprob] | None = None


class Backend(ABC):
    """A model that answers a chat with a value of a Pydantic type.

    Implementations: ``local`` (llama.cpp in-process), ``openai`` (any OpenAI-compatible server),
    ``replay`` (recorded responses). ``acomplete`` defaults to running ``complete`` in a thread,
    one call at a time, which is right for a single in-process model.
    """

    name: str = "backend"
    model: str = ""
    model_sha256: str | None = None

    def __init__(self) -> None:
        self._lock = threading.Lock()

    @abstractmethod
    def complete(self, messages: Messages, response_model: type[T], params: GenerationParams) -> Completion[T]:
        """Answer ``messages`` with a validated ``response_model`` instance, or raise a CommuniqueError."""

    async def acomplete(
        self, messages: Messages, response_model: type[T], params: GenerationParams
    ) -> Completion[T]:
        def run() -> Completion[T]:
            with self._lock:
                return self.complete(messages, response_model, params)

        return await asyncio.to_thread(run)

    def describe(self) -> dict[str, Any]:
        """Backend settings worth recording in provenance (never secrets)."""
        return {}

    def close(self) -> None:  # pragma: no cover - default has nothing to release
        pass


class WrappedBackend(Backend):
    """A backend that passes its calls to another (``inner``) and adds something around them: recording
    answers (:class:`~communique.backends.replay.RecordingBackend`), logging calls
    (:class:`~communique.runs.calllog.CallLog`). It *is* the inner backend as far as anyone can tell:
    its name, model and model sha256 are the inner's, as are :meth:`describe` and :meth:`close`.
    Subclasses write :meth:`complete` (and :meth:`acomplete` when the inner one should be awaited
    rather than run in a thread); :meth:`unwrap` gives the backend under every wrapper.
    """

    def __init__(self, inner: Backend) -> None:
        super().__init__()
        self.inner = inner

    @property
    def name(self) -> str:
        return self.inner.name

    @name.setter
    def name(self, value: str) -> None:
        self.inner.name = value

    @property
    def model(self) -> str:
        return self.inner.model

    @model.setter
    def model(self, value: str) -> None:
        self.inner.model = value

    @property
    def model_sha256(self) -> str | None:
        return self.inner.model_sha256

    @model_sha256.setter
    def model_sha256(self, value: str | None) -> None:
        self.inner.model_sha256 = value

    def unwrap(self) -> Backend:
        """The backend under every wrapper: the one that talks to a model."""
        inner = self.inner
        return inner.unwrap() if isinstance(inner, WrappedBackend) else inner

    def describe(self) -> dict[str, Any]:
        return self.inner.describe()

    def close(self) -> None:
        self.inner.close()
