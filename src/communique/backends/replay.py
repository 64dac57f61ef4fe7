"""Recorded responses: ``RecordingBackend`` wraps a live backend and saves every answer; ``ReplayBackend``
answers from those files without a model, so plumbing tests and CI evals are deterministic.

A recording is keyed by everything that determines the answer: model (name and sha256), the response
schema, the messages (which include the rendered prompt and the article) and the generation parameters.
Change any of them and the key changes, so a stale recording can never answer a new question.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..errors import BackendUnavailable
from .base import Backend, Completion, GenerationParams, Messages, T, WrappedBackend


def recording_key(model: str, messages: Messages, response_model: type[Any], params: GenerationParams) -> str:
    material = {
        "model": model,
        "schema": response_model.model_json_schema(),
        "messages": messages,
        "params": params.as_dict(),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _path(folder: Path, key: str) -> Path:
    return folder / key[:2] / f"{key}.json"


def _replayed(path: Path, key: str, response_model: type[T]) -> Completion[T] | None:
    """The recorded answer at ``path``, or None when there is none."""
    if not path.exists():
        return None
    saved = json.loads(path.read_text(encoding="utf-8"))
    return Completion(
        value=response_model.model_validate_json(saved["raw"]),
        prompt_tokens=saved.get("prompt_tokens", 0),
        completion_tokens=saved.get("completion_tokens", 0),
        latency_s=0.0,
        attempts=saved.get("attempts", 1),
        raw=saved["raw"],
        extra={"replayed": key},
    )


class ReplayBackend(Backend):
    name = "replay"

    def __init__(self, folder: str | Path, *, model: str, model_sha256: str | None = None) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.model = model
        self.model_sha256 = model_sha256

    def complete(self, messages: Messages, response_model: type[T], params: GenerationParams) -> Completion[T]:
        key = recording_key(f"{self.model}:{self.model_sha256}", messages, response_model, params)
        done = _replayed(_path(self.folder, key), key, response_model)
        if done is None:
            raise BackendUnavailable(
                f"no recorded response {key[:12]} for model {self.model} in {self.folder}; "
                "re-record with a live backend (`--record`)"
            )
        return done

    def describe(self) -> dict[str, Any]:
        return {"recordings": str(self.folder)}


class RecordingBackend(WrappedBackend):
    """Passes calls to ``inner`` and writes each answer where a ReplayBackend will find it. With
    ``missing_only``, a question already recorded is answered from its recording and only the others
    are asked live: after a change to one prompt template, re-recording asks only the changed question."""

    def __init__(self, inner: Backend, folder: str | Path, *, missing_only: bool = False) -> None:
        super().__init__(inner)
        self.folder = Path(folder)
        self.missing_only = missing_only

    def complete(self, messages: Messages, response_model: type[T], params: GenerationParams) -> Completion[T]:
        key = recording_key(f"{self.model}:{self.model_sha256}", messages, response_model, params)
        path = _path(self.folder, key)
        if self.missing_only and (replayed := _replayed(path, key, response_model)) is not None:
            return replayed
        done = self.inner.complete(messages, response_model, params)
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "model": self.model,
            "schema": response_model.__name__,
            "raw": done.raw or done.value.model_dump_json(),
            "prompt_tokens": done.prompt_tokens,
            "completion_tokens": done.completion_tokens,
            "attempts": done.attempts,
            "latency_s": round(done.latency_s, 3),
        }
        path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return done

    def describe(self) -> dict[str, Any]:
        return {**self.inner.describe(), "recording_to": str(self.folder)}
