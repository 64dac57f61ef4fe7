"""OpenAI, or any OpenAI-compatible server (vLLM, Ollama, llama.cpp's server, LM Studio ...).

Two kinds of failure, two mechanisms:
- transport (connection refused or dropped, timeouts, HTTP 408/409/429/5xx) is retried by tenacity with
  exponential backoff and jitter, honouring ``Retry-After``, bounded in attempts and total time;
- an answer that does not validate is re-asked by instructor, bounded by ``max_reasks``.

Structured-output mode: OpenAI takes ``json_schema``; some compatible servers (llama-cpp-python's
server) reject it and take only ``json_object``, optionally with a ``schema`` they turn into a grammar.
``mode="auto"`` uses ``json_schema`` for api.openai.com; for other servers it tries, once each and in
this order, ``json_schema``, ``json_object_schema`` and plain ``json``, keeping the first the server
accepts.
"""

from __future__ import annotations

import contextvars
import email.utils
import os
import threading
import time
from typing import Any

import instructor
import openai
from pydantic import ValidationError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

from .. import deadline
from ..errors import BackendUnavailable, ConfigError, DeadlineExceeded, ExtractionFailed
from .base import Backend, Completion, GenerationParams, Messages, T

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
MODES = {
    "json_schema": instructor.Mode.JSON_SCHEMA,
    # JSON mode, plus the schema inside response_format as llama.cpp's server takes it (a grammar):
    "json_object_schema": instructor.Mode.JSON,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
    "tools": instructor.Mode.TOOLS,
}
_AUTO_ORDER = ("json_schema", "json_object_schema", "json")
_RETRY_STATUS = {408, 409, 429}
_REFUSAL_STATUS = {400, 404, 415, 422, 500, 501}  # how servers say "I don't do json_schema"
_attempts: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("communique_attempts", default=None)


def _api_error(exc: BaseException | None) -> openai.APIError | None:
    while exc is not None:
        if isinstance(exc, openai.APIError):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def is_transient(exc: BaseException) -> bool:
    err = _api_error(exc)
    if isinstance(err, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(err, openai.APIStatusError):
        return err.status_code in _RETRY_STATUS or err.status_code >= 500
    return False


def retry_after_seconds(exc: BaseException | None) -> float | None:
    err = _api_error(exc)
    if not isinstance(err, openai.APIStatusError):
        return None
    headers = err.response.headers
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


class _Wait:
    """Retry-After when the server gives one (capped), else exponential backoff with full jitter."""

    def __init__(self, max_wait: float) -> None:
        self.max_wait = max_wait
        self.backoff = wait_random_exponential(multiplier=0.5, max=max_wait)

    def __call__(self, state: RetryCallState) -> float:
        hinted = retry_after_seconds(state.outcome.exception() if state.outcome else None)
        return min(hinted, self.max_wait) if hinted is not None else self.backoff(state)


def explain(exc: BaseException) -> str:
    """One line on why an answer was unusable: the last attempt's error, not instructor's whole log."""
    failed = getattr(exc, "failed_attempts", None)
    if failed:
        exc = failed[-1].exception
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "answer"
        return f"{exc.error_count()} validation error(s), first at {where}: {first['msg']}"
    return " ".join(str(exc).split())[:300]


def _count_attempt(*_: Any, **__: Any) -> None:
    counter = _attempts.get()
    if counter is not None:
        counter[0] += 1


class OpenAIBackend(Backend):
    name = "openai"

    def __init__(
        self,
        model: str | None = None,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        mode: str = "auto",
        timeout: float = 120.0,
        transport_retries: int = 4,
        max_wait: float = 30.0,
        total_timeout: float = 600.0,
        max_reasks: int = 2,
    ) -> None:
        super().__init__()
        self.model = model or os.environ.get("COMMUNIQUE_OPENAI_MODEL") or DEFAULT_OPENAI_MODEL
        self.base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        key = api_key or os.environ.get("OPENAI_API_KEY")
        if not key:
            if self.base_url is None:
                raise BackendUnavailable(
                    "the openai backend needs OPENAI_API_KEY (or --api-key), or --base-url for a local server"
                )
            key = "not-needed"  # local OpenAI-compatible servers usually ignore the key
        self._secret = key
        if mode != "auto" and mode not in MODES:
            raise ConfigError(f"unknown --mode {mode!r}; choose auto, {', '.join(MODES)}")
        self.requested_mode = mode
        official = self.base_url is None or "api.openai.com" in self.base_url
        self._mode: str | None = mode if mode != "auto" else ("json_schema" if official else None)
        self.timeout = timeout
        self.transport_retries = transport_retries
        self.max_wait = max_wait
        self.total_timeout = total_timeout
        self.max_reasks = max_reasks
        self._mode_lock = threading.Lock()
        self._sync_clients: dict[str, Any] = {}
        self._async_clients: dict[str, Any] = {}

    # -- clients ---------------------------------------------------------------------------------
    def _instructor(self, mode: str, *, is_async: bool) -> Any:
        cache = self._async_clients if is_async else self._sync_clients
        if mode not in cache:
            cls = openai.AsyncOpenAI if is_async else openai.OpenAI
            raw = cls(api_key=self._secret, base_url=self.base_url, timeout=self.timeout, max_retries=0)
            client = instructor.from_openai(raw, mode=MODES[mode])
            client.on("completion:kwargs", _count_attempt)
            cache[mode] = client
        return cache[mode]

    # -- requests and failures: public, for drivers that send this backend's requests themselves
    #    (the OpenAI Batch API client, communique.backends.openai_batch) ----------------------------
    @property
    def mode(self) -> str | None:
        """The structured-output mode in use: the one asked for, or the one ``auto`` detected on the
        first call; ``None`` while ``auto`` has not detected one yet."""
        return self._mode

    def sdk_client(self) -> openai.OpenAI:
        """A plain openai SDK client for this backend's server, key and timeout, with the SDK's own
        retries off (:meth:`retry_settings` are the backend's)."""
        return openai.OpenAI(api_key=self._secret, base_url=self.base_url, timeout=self.timeout, max_retries=0)

    def retry_settings(self) -> dict[str, Any]:
        """Keyword arguments of tenacity's ``Retrying`` for one request: transient failures retried with
        backoff (honouring Retry-After), bounded in attempts and in time (and by the article's deadline)."""
        left = deadline.remaining()
        total = self.total_timeout if left is None else min(self.total_timeout, left)
        return {
            "retry": retry_if_exception(is_transient),
            "wait": _Wait(self.max_wait),
            "stop": stop_after_attempt(self.transport_retries + 1) | stop_after_delay(total),
            "reraise": True,
        }

    def request_kwargs(self, mode: str, messages: Messages, response_model: type[T], params: GenerationParams) -> dict[str, Any]:
        """The keyword arguments of instructor's ``create_with_completion`` for one call in ``mode``:
        model, messages, answer type, re-asks, generation parameters, and a timeout shortened to the
        article's deadline."""
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "response_model": response_model,
            "max_retries": self.max_reasks,
            "temperature": params.temperature,
            "max_tokens": params.max_tokens,
        }
        if params.seed is not None:
            kwargs["seed"] = params.seed
        if (left := deadline.remaining()) is not None:  # the article's deadline shortens the client timeout
            deadline.check(f"asking {self.model} for {response_model.__name__}")
            kwargs["timeout"] = max(0.5, min(self.timeout, left))
        if mode == "json_object_schema":  # overrides instructor's {"type": "json_object"}
            kwargs["extra_body"] = {"response_format": {"type": "json_object", "schema": response_model.model_json_schema()}}
        return kwargs

    def failure(self, exc: BaseException) -> Exception:
        """The CommuniqueError a failed request is reported as (the API key scrubbed from its message):
        DeadlineExceeded, BackendUnavailable (timeouts, connection, HTTP status) or ExtractionFailed."""
        err = _api_error(exc)
        where = self.base_url or "api.openai.com"
        if isinstance(err, openai.APITimeoutError) and deadline.expired():
            return DeadlineExceeded(self._scrub(f"{where} did not answer before the article's deadline; the request was cancelled"))
        if isinstance(err, openai.APITimeoutError):
            msg = f"{where} did not answer within {self.timeout:g}s (after retries)"
            return BackendUnavailable(self._scrub(msg))
        if isinstance(err, openai.APIConnectionError):
            return BackendUnavailable(self._scrub(f"cannot reach {where}: {err.__cause__ or err}"))
        if isinstance(err, openai.APIStatusError):
            body = (err.message or "")[:300]
            return BackendUnavailable(self._scrub(f"{where} answered HTTP {err.status_code}: {body}"))
        return ExtractionFailed(
            self._scrub(f"{self.model} gave no valid answer within {self.max_reasks + 1} attempts: {explain(exc)}")
        )

    def _scrub(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret and len(self._secret) > 3 else text

    def _completion(self, value: Any, completion: Any, started: float, attempts: int) -> Completion[Any]:
        usage = getattr(completion, "usage", None)
        return Completion(
            value=value,
            prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
            completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
            latency_s=time.perf_counter() - started,
            attempts=attempts,
            extra={"mode": self._mode},
        )

    @staticmethod
    def _refused_mode(exc: BaseException) -> bool:
        err = _api_error(exc)
        return isinstance(err, (openai.APIStatusError,)) and err.status_code in _REFUSAL_STATUS

    # -- calls -----------------------------------------------------------------------------------
    def complete(self, messages: Messages, response_model: type[T], params: GenerationParams) -> Completion[T]:
        counter = [0]
        token = _attempts.set(counter)
        started = time.perf_counter()
        try:
            if self._mode is None:
                with self._mode_lock:
                    if self._mode is None:
                        detected = self._detect(messages, response_model, params)
                        if detected is not None:
                            return self._completion(*detected, started, counter[0])
            value, raw = self._call_sync(self._mode or _AUTO_ORDER[0], messages, response_model, params)
            return self._completion(value, raw, started, counter[0])
        except (BackendUnavailable, ExtractionFailed):
            raise
        except Exception as exc:
            raise self.failure(exc) from exc
        finally:
            _attempts.reset(token)

    def _detect(self, messages: Messages, response_model: type[T], params: GenerationParams) -> tuple[T, Any] | None:
        """Try each mode once, without transport retries. A status that means "not supported" moves on
        to the next mode; success fixes the mode; a transient failure decides nothing."""
        for mode in _AUTO_ORDER:
            client = self._instructor(mode, is_async=False)
            try:
                answer = client.chat.completions.create_with_completion(
                    **self.request_kwargs(mode, messages, response_model, params)
                )
            except Exception as exc:
                if self._refused_mode(exc):
                    continue
                if is_transient(exc):
                    return None
                raise
            self._mode = mode
            return answer
        self._mode = "json"
        return None

    def _call_sync(self, mode: str, messages: Messages, response_model: type[T], params: GenerationParams) -> tuple[T, Any]:
        client = self._instructor(mode, is_async=False)
        for attempt in Retrying(**self.retry_settings()):
            with attempt:
                return client.chat.completions.create_with_completion(**self.request_kwargs(mode, messages, response_model, params))
        raise AssertionError("unreachable")  # pragma: no cover

    async def acomplete(self, messages: Messages, response_model: type[T], params: GenerationParams) -> Completion[T]:
        if self._mode is None:  # detect the mode once, synchronously, before going concurrent
            import asyncio

            return await asyncio.to_thread(self.complete, messages, response_model, params)
        counter = [0]
        token = _attempts.set(counter)
        started = time.perf_counter()
        try:
            client = self._instructor(self._mode, is_async=True)
            async for attempt in AsyncRetrying(**self.retry_settings()):
                with attempt:
                    value, raw = await client.chat.completions.create_with_completion(
                        **self.request_kwargs(self._mode, messages, response_model, params)
                    )
                    return self._completion(value, raw, started, counter[0])
            raise AssertionError("unreachable")  # pragma: no cover
        except (BackendUnavailable, ExtractionFailed):
            raise
        except Exception as exc:
            raise self.failure(exc) from exc
        finally:
            _attempts.reset(token)

    def describe(self) -> dict[str, Any]:
        return {"base_url": self.base_url or "https://api.openai.com/v1", "mode": self._mode or self.requested_mode}
