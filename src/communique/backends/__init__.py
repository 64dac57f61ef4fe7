"""Every way of reaching a model, one module each, created by name through :func:`create_backend`.

- ``base``: the interface (:class:`Backend`, :class:`Call`, :class:`Completion`,
  :class:`GenerationParams`) and :class:`~.base.WrappedBackend`, a backend around another that keeps
  its identity (recording answers, logging calls);
- ``local``: llama.cpp in-process, with the embedded models of ``modelstore``;
- ``openai``: any OpenAI-compatible server; ``openai_batch``: the OpenAI Batch API client beside it;
- ``replay``: recorded answers, and the backend that records them.
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError
from .base import Backend, Call, Completion, GenerationParams

BACKENDS = ("local", "openai", "replay")


def create_backend(name: str = "local", **options: Any) -> Backend:
    """``local`` (model=...), ``openai`` (model, base_url, api_key, mode ...), ``replay`` (folder, model)."""
    options = {k: v for k, v in options.items() if v is not None}
    if name == "local":
        from .local import LocalBackend

        return LocalBackend(**options)
    if name == "openai":
        from .openai import OpenAIBackend

        return OpenAIBackend(**options)
    if name == "replay":
        from .replay import ReplayBackend

        return ReplayBackend(**options)
    raise ConfigError(f"unknown backend {name!r}; choose one of: {', '.join(BACKENDS)}")


__all__ = ["BACKENDS", "Backend", "Call", "Completion", "GenerationParams", "create_backend"]
