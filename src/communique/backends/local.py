"""The embedded default: a GGUF model run in-process by llama.cpp, through xllamacpp.

xllamacpp is llama.cpp's own server, prebuilt (a manylinux abi3 wheel, nothing to compile) and driven
from Python: the model and its slot live in this process, and a request is a Python call with
llama-server's request body. Every answer is streamed, so this backend can stop it at any chunk: when
the article's deadline passes (while the prompt is read, chunk by chunk of ``n_batch`` tokens, and
while the answer is written, token by token), when the answer runs away (the same stretch of tokens
repeated), or when the value it waits for is complete.

Output is constrained by a grammar built from the response model's JSON Schema, so it always parses;
a value that parses but fails validation is re-asked, bounded. The loaded model is shared by every
backend instance in the process that asks for the same file, and llama.cpp keeps the KV cache of the
previous prompt in its slot, so calls that share a prefix (the article) only pay for their new tokens.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
import time
import urllib.request
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from pydantic import ValidationError

from .. import deadline
from ..errors import BackendUnavailable, DeadlineExceeded, ExtractionFailed
from . import modelstore
from .base import Backend, Completion, GenerationParams, Messages, T, TokenLogprob

DEFAULT_CONTEXT = 8192
#: Prompt tokens llama.cpp reads in one step. The deadline is looked at between steps, so this bounds
#: how late a prompt that is being read can be stopped (128 tokens: under 1 s at 160 tokens/s, about
#: 4 s at 34); reading speed is the same as with 512 on 2 cores (bench/floor.py).
BATCH = 128

PERIODS = range(1, 33)
REPEATS = 4


def looping(tokens: Sequence[Hashable], periods: range = PERIODS, repeats: int = REPEATS, least: int = 24) -> bool:
    """Whether the answer so far ends in one stretch of tokens repeated ``repeats`` times (at least
    ``least`` tokens in all): a loop that would run on to max_tokens."""
    for p in periods:
        n = p * repeats
        if len(tokens) >= n and n >= least and all(tokens[-k] == tokens[-k - p] for k in range(1, n - p + 1)):
            return True
    return False


class RunawayAnswer(ValueError):
    """The answer was stopped while looping; it may be asked again."""


_DECODER = json.JSONDecoder()


def value_end(text: str) -> int | None:
    """Where the JSON value at the start of ``text`` ends, once something follows it (the comma or brace
    after a value); None while the value is incomplete or nothing follows it yet."""
    body = text.lstrip()
    try:
        _, end = _DECODER.raw_decode(body)
    except ValueError:
        return None
    return len(text) - len(body) + end if body[end:].strip() else None


class Engine:
    """One model loaded by xllamacpp, with one slot (so each prompt reuses the previous one's KV cache).
    xllamacpp also serves it on a loopback port (llama-server's HTTP API); the backend uses that only
    to render the model's chat template."""

    def __init__(self, path: str, n_ctx: int, *, port: int = 0, host: str = "127.0.0.1", parallel: int = 1) -> None:
        try:
            import xllamacpp
        except ImportError as exc:
            raise BackendUnavailable('the local backend needs xllamacpp: pip install "communique[local]"') from exc
        threads = max(1, os.cpu_count() or 1)
        params = xllamacpp.CommonParams()
        params.model.path = path
        params.n_ctx = n_ctx
        params.n_parallel = parallel
        params.n_batch = params.n_ubatch = BATCH
        params.cpuparams.n_threads = params.cpuparams_batch.n_threads = threads
        params.hostnames, params.port = [host], port
        params.verbosity = -1
        self.threads = threads
        self.path = path
        try:
            self.server: Any = xllamacpp.Server(params)
        except RuntimeError as exc:
            raise BackendUnavailable(f"llama.cpp could not load {path}: {exc}") from exc
        self.address: str = self.server.listening_address

    def stream(self, endpoint: str, body: dict[str, Any], watch: Callable[[dict[str, Any]], bool]) -> None:
        """Send one request to ``endpoint`` ("completions" or "chat_completions"), streamed: ``watch``
        is given each chunk and returns True to stop (llama.cpp then cancels the request)."""
        handle = self.server.handle_completions if endpoint == "completions" else self.server.handle_chat_completions
        handle({**body, "stream": True, "return_progress": True, "cache_prompt": True}, watch)

    def chat_prompt(self, messages: Messages) -> str:
        """The messages as the model's own chat template renders them, ready for the answer."""
        request = urllib.request.Request(self.address + "/apply-template", data=json.dumps({"messages": messages}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            return str(json.loads(reply.read())["prompt"])

    def close(self) -> None:
        self.server = None  # xllamacpp's destructor stops the loop thread and frees the model


_LOADED: dict[tuple[str, int], Engine] = {}
_LOAD_LOCK = threading.Lock()


def _close_all() -> None:
    """Free models before interpreter teardown."""
    for engine in _LOADED.values():
        engine.close()
    _LOADED.clear()


atexit.register(_close_all)


def _engine(path: str, n_ctx: int) -> Engine:
    with _LOAD_LOCK:
        key = (path, n_ctx)
        if key not in _LOADED:
            _LOADED[key] = Engine(path, n_ctx)
        return _LOADED[key]


def serve(model: str = modelstore.DEFAULT_MODEL, *, host: str = "127.0.0.1", port: int = 8080,
          n_ctx: int = DEFAULT_CONTEXT, parallel: int = 1) -> Engine:
    """Serve an embedded model (or any GGUF file) over llama.cpp's own OpenAI-compatible HTTP API
    (``/v1/chat/completions``, ``/v1/models`` ...), from this process, until the returned engine is
    closed or the process ends. The model is verified by sha256 first, as for the local backend."""
    return Engine(str(modelstore.resolve(model).path), n_ctx, host=host, port=port, parallel=parallel)


#: Fewest prompt tokens a reading speed is measured over: a part of a batch takes mostly fixed time,
#: and a speed read from a few tokens (say 5 tokens in 2 s on a busy machine) would time every later
#: step as a very long one.
MIN_MEASURED = BATCH // 2

#: The longest a prompt step is taken to last (128 tokens at under 13 tokens/s, a third of the slowest
#: machine's reading speed): whatever was measured, a stop is never asked for more than two such
#: steps early.
MAX_STEP = 10.0


def read_speed(tokens: int, ms: float, known: float | None) -> float | None:
    """Prompt tokens read per second: measured from ``tokens`` read anew in ``ms``, when they are
    enough to tell (:data:`MIN_MEASURED`), else the speed ``known`` from before."""
    if tokens >= MIN_MEASURED and ms > 0:
        return tokens / (ms / 1000)
    return known


def prompt_step(left: int, speed: float | None) -> float | None:
    """How long llama.cpp's next prompt step (up to :data:`BATCH` of the ``left`` tokens) is expected
    to take at ``speed``, at most :data:`MAX_STEP`; None when the speed is not known."""
    if not speed or left <= 0:
        return None
    return min(MAX_STEP, min(BATCH, left) / speed)


class _Watch:
    """Follows one streamed answer: its text, token by token, and what it cost. It stops the answer
    when the article's deadline passes, when the answer runs away, or when ``complete(text)`` says
    the awaited value is whole."""

    def __init__(self, ends_at: float | None, complete: Callable[[str], bool] | None = None,
                 read_rate: float | None = None) -> None:
        self.ends_at = ends_at
        self.read_rate = read_rate  # prompt tokens/s, measured on this request or known from earlier ones
        self.complete = complete
        self.text = ""
        self.pieces: list[str] = []
        self.logprobs: list[TokenLogprob] = []
        self.prompt_tokens = self.cached_tokens = 0
        self.finish_reason: str | None = None
        self.usage: dict[str, Any] = {}
        self.late = self.runaway = self.done = False
        self.error: str | None = None
        self.last_chunk: float | None = None

    def __call__(self, chunk: dict[str, Any]) -> bool:
        try:
            return self._see(chunk)
        except Exception as exc:  # an exception must not cross into llama.cpp's thread
            self.error = f"{type(exc).__name__}: {exc}"
            return True

    def _see(self, chunk: dict[str, Any]) -> bool:
        if "error" in chunk or ("code" in chunk and "message" in chunk):
            err = chunk.get("error", chunk)
            self.error = str(err.get("message", err) if isinstance(err, dict) else err)
            return True
        progress = chunk.get("prompt_progress")
        step: float | None = None  # how long the next step is expected to take, when known
        if progress:
            self.prompt_tokens, self.cached_tokens = int(progress.get("total", 0)), int(progress.get("cache", 0))
            processed, ms = int(progress.get("processed", 0)), float(progress.get("time_ms", 0))
            self.read_rate = read_speed(processed - self.cached_tokens, ms, self.read_rate)
            if processed < self.prompt_tokens:
                step = prompt_step(self.prompt_tokens - processed, self.read_rate)
        if chunk.get("usage"):
            self.usage = chunk["usage"]
        for choice in chunk.get("choices") or []:
            piece = choice.get("text")
            if piece is None:
                piece = (choice.get("delta") or {}).get("content")
            if piece:
                self.text += piece
                self.pieces.append(piece)
            self.logprobs.extend(_logprobs(choice.get("logprobs")))
            self.finish_reason = choice.get("finish_reason") or self.finish_reason
        now = time.monotonic()
        if step is None:  # a written token is taken to last as long as the one before
            step = 0.0 if self.last_chunk is None else now - self.last_chunk
        self.last_chunk = now
        if self.ends_at is not None and self._would_overrun(now, step):
            self.late = True
        elif looping(self.pieces):
            self.runaway = True
        elif self.complete is not None and self.pieces and self.complete(self.text):
            self.done = True
        return self.late or self.runaway or self.done

    def _would_overrun(self, now: float, step: float) -> bool:
        """True when the deadline has passed, or would have by the time a stop asked for at the next
        chunk took effect. llama.cpp has begun the next step (a batch of up to BATCH prompt tokens, or
        one written token) when a chunk arrives, and a stop takes effect once that step ends: so a stop
        now ends one step from now, and one asked for at the next chunk two steps from now. A prompt
        step is timed by the reading speed measured so far, a written token as the one before. Without
        this, a prompt read in 128-token steps at 34 tokens/s could end up to 7 s past the deadline."""
        assert self.ends_at is not None
        return now + 2 * step >= self.ends_at and self.finish_reason is None

    @property
    def written(self) -> int:
        return int(self.usage.get("completion_tokens") or len(self.pieces))

    @property
    def read(self) -> int:
        return int(self.usage.get("prompt_tokens") or self.prompt_tokens)

    @property
    def read_anew(self) -> int:
        """Prompt tokens llama.cpp read for this request; the rest came from the slot's KV cache."""
        return max(0, self.prompt_tokens - self.cached_tokens)


def _logprobs(block: Any) -> list[TokenLogprob]:
    """The tokens of one streamed chunk with their logprobs and top alternatives (OpenAI's shape:
    ``{"content": [{"token", "logprob", "top_logprobs": [...]}]}``)."""
    if not isinstance(block, dict):
        return []
    return [
        TokenLogprob(token=t.get("token", ""), logprob=float(t.get("logprob", 0.0)),
                     top=tuple((a.get("token", ""), float(a.get("logprob", 0.0))) for a in t.get("top_logprobs") or []))
        for t in block.get("content") or []
    ]


def _value_grammar(schema: dict[str, Any], name: str, after: str) -> str:
    """A grammar (llguidance's Lark) for one value of ``schema``'s property ``name``: an optional space,
    the value as the property's JSON Schema allows it, then ``after`` (the comma or closing brace)."""
    defs = {"$defs": schema["$defs"]} if "$defs" in schema else {}
    value = json.dumps({**schema["properties"][name], **defs})
    return f'%llguidance {{}}\nstart: " "? value {json.dumps(after)}\nvalue: %json {value}\n'


def reask_message(raw: str, error: Exception) -> list[dict[str, str]]:
    return [
        {"role": "assistant", "content": raw},
        {"role": "user", "content": f"That answer is invalid: {error}. Answer again with corrected JSON only."},
    ]


class LocalBackend(Backend):
    name = "local"

    def __init__(self, model: str = modelstore.DEFAULT_MODEL, *, n_ctx: int = DEFAULT_CONTEXT, max_reasks: int = 1) -> None:
        super().__init__()
        resolved = modelstore.resolve(model)
        self.model = resolved.name
        self.model_sha256 = resolved.sha256
        self._read_rate: float | None = None  # prompt tokens/s last measured, to time the next prompt step
        self.model_path = resolved.path
        self.n_ctx = n_ctx
        self.max_reasks = max_reasks
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        """The loaded model, loaded on first use (a run served from the cache never loads it)."""
        if self._engine is None:
            self._engine = _engine(str(self.model_path), self.n_ctx)
        return self._engine

    def complete(self, messages: Messages, response_model: type[T], params: GenerationParams) -> Completion[T]:
        schema = response_model.model_json_schema()
        convo = list(messages)
        prompt_tokens = completion_tokens = 0
        started = time.perf_counter()
        last_error: Exception | None = None
        raw = ""
        anew = 0  # prompt tokens read anew, over every attempt
        if params.decoding == "values" and schema.get("type") == "object" and schema.get("properties"):
            # Free first (a grammar slows every written token), then under the grammar.
            for attempt, constrained in enumerate((False, True), start=1):
                deadline.check(f"asking for {response_model.__name__}")
                try:
                    raw, read, written, fresh, logprobs = self._write_values(messages, schema, params, constrained)
                    prompt_tokens, completion_tokens, anew = prompt_tokens + read, completion_tokens + written, anew + fresh
                    value = response_model.model_validate_json(raw)
                except (ValidationError, ValueError) as exc:
                    last_error = exc
                    continue
                return Completion(value=value, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
                                  latency_s=time.perf_counter() - started, attempts=attempt, raw=raw,
                                  extra={"read_anew": anew}, logprobs=logprobs if params.logprobs else None)
            convo = list(messages) + reask_message(raw, last_error or ValueError("no valid answer"))
        for attempt in range(1, self.max_reasks + 2):
            deadline.check(f"asking for {response_model.__name__}")
            body = {"messages": convo, "json_schema": schema, "max_tokens": params.max_tokens,
                    "temperature": params.temperature, **self._sampling(params)}
            try:
                watch = self._generate(response_model.__name__, "chat_completions", body,
                                       f"{prompt_tokens} prompt and {completion_tokens} answer tokens spent on this question")
            except RunawayAnswer as exc:
                last_error = exc
                convo = list(messages) + reask_message(raw, exc)
                continue
            prompt_tokens += watch.read
            completion_tokens += watch.written
            anew += watch.read_anew
            raw = watch.text
            try:
                if watch.finish_reason == "length":
                    raise ValueError(f"the answer was cut off at max_tokens={params.max_tokens}")
                value = response_model.model_validate_json(raw)
            except (ValidationError, ValueError) as exc:
                last_error = exc
                convo = list(messages) + reask_message(raw, exc)
                continue
            return Completion(
                value=value,
                prompt_tokens=prompt_tokens,
                completion_tokens=completion_tokens,
                latency_s=time.perf_counter() - started,
                attempts=attempt,
                raw=raw,
                extra={"read_anew": anew},
                logprobs=watch.logprobs if params.logprobs else None,
            )
        raise ExtractionFailed(
            f"local model {self.model} gave no valid {response_model.__name__} in {self.max_reasks + 1} attempts: "
            f"{last_error}"
        )

    @staticmethod
    def _sampling(params: GenerationParams) -> dict[str, Any]:
        extra: dict[str, Any] = {} if params.seed is None else {"seed": params.seed}
        if params.logprobs:
            extra["logprobs"] = params.logprobs
        return extra

    def _generate(self, what: str, endpoint: str, body: dict[str, Any], spent: str,
                  complete: Callable[[str], bool] | None = None) -> _Watch:
        """One streamed generation under the article's deadline. A stop for the deadline is
        :class:`DeadlineExceeded`, for a runaway answer :class:`RunawayAnswer` (to ask again)."""
        watch = _Watch(deadline.ends_at(), complete, self._read_rate)
        self.engine.stream(endpoint, body, watch)
        self._read_rate = watch.read_rate
        if watch.late:
            raise DeadlineExceeded(
                f"local model {self.model}: the article's deadline passed (or would have before the next step ended) while answering {what}; generation stopped ({spent})"
            )
        if watch.runaway:
            raise RunawayAnswer("the answer ran away (the same tokens repeated); stopped early")
        if watch.error is not None:
            raise ExtractionFailed(f"local model {self.model}: {watch.error}")
        return watch

    def chat_prompt(self, messages: Messages) -> str:
        """The messages as the model's own chat template renders them, ready for the answer."""
        return self.engine.chat_prompt(messages)

    def _write_values(
        self, messages: Messages, schema: dict[str, Any], params: GenerationParams, constrained: bool
    ) -> tuple[str, int, int, int, list[TokenLogprob]]:
        """The answer written value by value: each key, with the punctuation around it, is appended to the
        prompt as text (llama.cpp reads it in one batch, at prompt speed), and the model writes only the
        value, stopped as soon as the value is complete; ``constrained``: under the value's own grammar.
        Each prompt is the previous one plus its answer, so llama.cpp reads only the new key. Returns
        the JSON text, the prompt tokens, the tokens written, the prompt tokens read anew (not from the
        KV cache) and the written tokens' logprobs."""
        prompt = self.chat_prompt(messages)
        names = list(schema["properties"])
        raw, read, written, anew = "{", 0, 0, 0
        logprobs: list[TokenLogprob] = []
        for i, name in enumerate(names):
            # The prompt ends at the colon: the model writes the space before the value and the comma or
            # brace after it, merged into one token with the value's first or last characters.
            raw += ("" if i == 0 else " ") + json.dumps(name) + ":"
            after = "}" if i == len(names) - 1 else ","
            budget = params.max_tokens - written
            if budget <= 0:
                raise ValueError(f"the answer was cut off at max_tokens={params.max_tokens}")
            body: dict[str, Any] = {"prompt": prompt + raw, "max_tokens": budget, "temperature": params.temperature,
                                    **self._sampling(params)}
            if constrained:
                body["grammar"] = _value_grammar(schema, name, after)
            watch = self._generate(repr(name), "completions", body, f"{read} prompt and {written} answer tokens spent on this question",
                                   complete=None if constrained else (lambda text: value_end(text) is not None))
            # Each call's prompt holds the previous values: the tokens read are the last prompt less them.
            read, written, anew = watch.read - written, written + watch.written, anew + watch.read_anew
            logprobs.extend(watch.logprobs)
            if watch.finish_reason == "length":
                raise ValueError(f"the answer was cut off at max_tokens={params.max_tokens}")
            text = watch.text
            end = value_end(text) or value_end(text + after)  # the model may end the answer right after the value
            if end is None:
                raise ValueError(f"no complete JSON value for {name!r}: {text[:80]!r}")
            raw += " " + text[:end].strip() + after
        return raw, read, written, anew, logprobs

    def describe(self) -> dict[str, Any]:
        return {"model_path": str(self.model_path), "n_ctx": self.n_ctx}
