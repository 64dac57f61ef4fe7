"""The embedded default: a GGUF model run in-process by llama.cpp (llama-cpp-python).

Output is constrained by a grammar built from the response model's JSON Schema, so it always parses;
a value that parses but fails validation is re-asked, bounded. The loaded model is shared by every
backend instance in the process that asks for the same file, and llama.cpp keeps the KV cache of the
previous prompt, so calls that share a prefix (the article) only pay for their new tokens.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
import time
from typing import Any

from pydantic import ValidationError

from .. import deadline
from ..errors import BackendUnavailable, DeadlineExceeded, ExtractionFailed
from . import modelstore
from .base import Backend, Completion, GenerationParams, Messages, T

_LOADED: dict[tuple[str, int], Any] = {}
_STOPS: dict[int, _Stop] = {}


class _Stop:
    """llama.cpp's abort callback for one loaded model: it is asked between compute steps while a prompt
    is read and while each answer token is written, and stops decoding once the article's deadline has
    passed or the answer has run away (the same stretch of tokens repeated)."""

    PERIODS = range(1, 33)
    REPEATS = 4

    def __init__(self, llama: Any) -> None:
        import llama_cpp

        self.ends_at: float | None = None
        self.runaway = False
        self.prompt_len: int | None = None
        self._callback = llama_cpp.ggml_abort_callback(self._abort)  # kept referenced while the model lives
        llama_cpp.llama_set_abort_callback(llama._ctx.ctx, self._callback, None)

    def arm(self, ends_at: float | None) -> None:
        self.ends_at, self.runaway, self.prompt_len = ends_at, False, None

    def _abort(self, _data: Any) -> bool:
        return self.runaway or (self.ends_at is not None and time.monotonic() >= self.ends_at)

    def watch(self, input_ids: Any, scores: Any) -> Any:
        """A logits processor that only looks: it marks the answer as a runaway when its last tokens are
        one stretch repeated (a loop the grammar allows, such as the same list item again and again)."""
        if self.prompt_len is None:
            self.prompt_len = len(input_ids)
        if not self.runaway:
            self.runaway = looping([int(t) for t in input_ids[self.prompt_len :][-self.REPEATS * max(self.PERIODS) :]])
        return scores


def looping(tokens: list[int], periods: range = _Stop.PERIODS, repeats: int = _Stop.REPEATS, least: int = 24) -> bool:
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


def _stop_for(llama: Any) -> _Stop:
    key = id(llama)
    if key not in _STOPS:
        _STOPS[key] = _Stop(llama)
    return _STOPS[key]
_LOAD_LOCK = threading.Lock()
DEFAULT_CONTEXT = 8192


def _close_all() -> None:
    """Free models before interpreter teardown (llama-cpp-python's __del__ fails once modules are gone)."""
    for llama in _LOADED.values():
        llama.close()
    _LOADED.clear()


atexit.register(_close_all)


def _load_llama(path: str, n_ctx: int) -> Any:
    with _LOAD_LOCK:
        key = (path, n_ctx)
        if key not in _LOADED:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise BackendUnavailable(
                    'the local backend needs llama-cpp-python: pip install "communique[local]"'
                ) from exc
            threads = max(1, os.cpu_count() or 1)
            _LOADED[key] = Llama(
                model_path=path,
                n_ctx=n_ctx,
                n_threads=threads,
                n_threads_batch=threads,
                n_batch=512,
                verbose=False,
            )
        return _LOADED[key]


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
        self.model_path = resolved.path
        self.n_ctx = n_ctx
        self.max_reasks = max_reasks
        self._llama: Any = None
        self._formatter: Any = None

    @property
    def llama(self) -> Any:
        """The loaded model, loaded on first use (a run served from the cache never loads it)."""
        if self._llama is None:
            self._llama = _load_llama(str(self.model_path), self.n_ctx)
        return self._llama

    def complete(self, messages: Messages, response_model: type[T], params: GenerationParams) -> Completion[T]:
        schema = response_model.model_json_schema()
        convo = list(messages)
        prompt_tokens = completion_tokens = 0
        started = time.perf_counter()
        last_error: Exception | None = None
        raw = ""
        stop = _stop_for(self.llama)
        if params.decoding == "values" and schema.get("type") == "object" and schema.get("properties"):
            # Free first (a grammar slows every written token by about half), then under the grammar.
            for attempt, constrained in enumerate((False, True), start=1):
                deadline.check(f"asking for {response_model.__name__}")
                try:
                    raw, read, written = self._write_values(messages, schema, params, stop, constrained)
                    prompt_tokens, completion_tokens = prompt_tokens + read, completion_tokens + written
                    value = response_model.model_validate_json(raw)
                except (ValidationError, ValueError) as exc:
                    last_error = exc
                    continue
                return Completion(value=value, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
                                  latency_s=time.perf_counter() - started, attempts=attempt, raw=raw)
            convo = list(messages) + reask_message(raw, last_error or ValueError("no valid answer"))
        for attempt in range(1, self.max_reasks + 2):
            deadline.check(f"asking for {response_model.__name__}")
            try:
                out = self._generate(
                    stop, response_model.__name__, f"{prompt_tokens} prompt and {completion_tokens} answer tokens spent on this question",
                    self.llama.create_chat_completion,
                    messages=convo,
                    response_format={"type": "json_object", "schema": schema},
                    temperature=params.temperature,
                    max_tokens=params.max_tokens,
                    seed=params.seed,
                    logits_processor=[stop.watch],
                )
            except RunawayAnswer as exc:
                last_error = exc
                convo = list(messages) + reask_message(raw, exc)
                continue
            usage = out.get("usage") or {}
            prompt_tokens += usage.get("prompt_tokens", 0)
            completion_tokens += usage.get("completion_tokens", 0)
            choice = out["choices"][0]
            raw = choice["message"].get("content") or ""
            try:
                if choice.get("finish_reason") == "length":
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
            )
        raise ExtractionFailed(
            f"local model {self.model} gave no valid {response_model.__name__} in {self.max_reasks + 1} attempts: "
            f"{last_error}"
        )

    def _generate(self, stop: _Stop, what: str, spent: str, generate: Any, **kwargs: Any) -> Any:
        """One llama.cpp generation, ``generate(**kwargs)``, under the abort callback armed with the
        article's deadline. An abort is a :class:`RunawayAnswer` (to ask again) or :class:`DeadlineExceeded`."""
        stop.arm(deadline.ends_at())
        try:
            return generate(**kwargs)
        except RuntimeError as exc:  # llama_decode aborted by the callback
            if stop.runaway:
                raise RunawayAnswer("the answer ran away (the same tokens repeated); stopped early") from None
            if deadline.expired():
                raise DeadlineExceeded(
                    f"local model {self.model}: the article's deadline passed while answering {what}; generation stopped ({spent})"
                ) from None
            raise ExtractionFailed(f"local model {self.model}: {exc}") from exc
        finally:
            stop.arm(None)

    def chat_prompt(self, messages: Messages) -> str:
        """The messages as the model's own chat template renders them, ready for the answer."""
        if self._formatter is None:
            from llama_cpp import llama_chat_format

            llama = self.llama
            text = llama._model.token_get_text
            self._formatter = llama_chat_format.Jinja2ChatFormatter(
                template=llama.metadata["tokenizer.chat_template"],
                eos_token=text(llama.token_eos()) if llama.token_eos() != -1 else "",
                bos_token=text(llama.token_bos()) if llama.token_bos() != -1 else "",
            )
        return self._formatter(messages=messages).prompt

    def _write_values(
        self, messages: Messages, schema: dict[str, Any], params: GenerationParams, stop: _Stop, constrained: bool
    ) -> tuple[str, int, int]:
        """The answer written value by value: each key, with the punctuation around it, is appended to the
        prompt as text (llama.cpp reads it in one batch, at prompt speed), and the model writes only the
        value, stopped as soon as the value is complete; ``constrained``: under the value's own grammar.
        Each prompt is the previous one plus its answer, so llama.cpp reads only the new key. Returns
        the JSON text, the tokens read and the tokens written."""
        from llama_cpp import LlamaGrammar, StoppingCriteriaList
        from llama_cpp.llama_grammar import json_schema_to_gbnf

        prompt = self.chat_prompt(messages)
        defs = {"$defs": schema["$defs"]} if "$defs" in schema else {}
        names = list(schema["properties"])
        raw, read, written = "{", 0, 0

        def complete_value(input_ids: Any, _logits: Any) -> bool:
            answer = self.llama.detokenize(list(input_ids[stop.prompt_len or len(input_ids) :])).decode("utf-8", "ignore")
            return value_end(answer) is not None

        for i, name in enumerate(names):
            # The prompt ends at the colon: the model writes the space before the value and the comma or
            # brace after it, merged into one token with the value's first or last characters.
            raw += ("" if i == 0 else " ") + json.dumps(name) + ":"
            after = "}" if i == len(names) - 1 else ","
            budget = params.max_tokens - written
            if budget <= 0:
                raise ValueError(f"the answer was cut off at max_tokens={params.max_tokens}")
            grammar = None
            if constrained:
                rules = json_schema_to_gbnf(json.dumps({**schema["properties"][name], **defs})).replace("root ::=", "value ::=", 1)
                grammar = LlamaGrammar.from_string(f'{rules}\nroot ::= " "? value "{after}"\n', verbose=False)
            out = self._generate(
                stop, repr(name), f"{read} prompt and {written} answer tokens spent on this question",
                self.llama.create_completion,
                prompt=prompt + raw, grammar=grammar, max_tokens=budget, temperature=params.temperature,
                seed=params.seed, logits_processor=[stop.watch],
                stopping_criteria=None if constrained else StoppingCriteriaList([complete_value]),
            )
            usage = out.get("usage") or {}
            # Each call's prompt holds the previous values: the tokens read are the last prompt less them.
            read, written = usage.get("prompt_tokens", 0) - written, written + usage.get("completion_tokens", 0)
            choice = out["choices"][0]
            if choice.get("finish_reason") == "length":
                raise ValueError(f"the answer was cut off at max_tokens={params.max_tokens}")
            text = choice["text"]
            end = value_end(text) or value_end(text + after)  # the model may end the answer right after the value
            if end is None:
                raise ValueError(f"no complete JSON value for {name!r}: {text[:80]!r}")
            raw += " " + text[:end].strip() + after
        return raw, read, written

    def describe(self) -> dict[str, Any]:
        return {"model_path": str(self.model_path), "n_ctx": self.n_ctx}

