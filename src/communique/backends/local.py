"""The embedded default: a GGUF model run in-process by llama.cpp (llama-cpp-python).

Output is constrained by a grammar built from the response model's JSON Schema, so it always parses;
a value that parses but fails validation is re-asked, bounded. The loaded model is shared by every
backend instance in the process that asks for the same file, and llama.cpp keeps the KV cache of the
previous prompt, so calls that share a prefix (the article) only pay for their new tokens.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from typing import Any

from pydantic import ValidationError

from .. import modelstore
from ..errors import BackendUnavailable, ExtractionFailed
from .base import Backend, Completion, GenerationParams, Messages, T

_LOADED: dict[tuple[str, int], Any] = {}
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
        for attempt in range(1, self.max_reasks + 2):
            out = self.llama.create_chat_completion(
                messages=convo,
                response_format={"type": "json_object", "schema": schema},
                temperature=params.temperature,
                max_tokens=params.max_tokens,
                seed=params.seed,
            )
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

    def describe(self) -> dict[str, Any]:
        return {"model_path": str(self.model_path), "n_ctx": self.n_ctx}

