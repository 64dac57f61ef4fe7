"""A bounded time per article: every model call of one article runs under that article's deadline.

The deadline is held in a context variable, so it follows the article's calls into worker threads
(``asyncio.to_thread`` copies the context) without changing the backend interface. Backends read it:
the local backend aborts llama.cpp's decoding when it passes (prompt reading and answer writing
alike), the OpenAI backend shortens its client timeout to what is left and stops retrying.

The default is sized for the embedded 1.5B model on a 2-core machine without AVX-512, where llama.cpp
reads about 34 prompt tokens/s and writes about 11 answer tokens/s: a prompt version asks at most a
few questions over one article, so an article of T tokens (about 4 characters a token) needs roughly
T/34 s to read and well under a minute to answer. ``60 s + 0.25 s per article token`` leaves about
2x headroom over that on such a machine (the seed, 1,900 characters: about 180 s, against 10-30 s
measured) while bounding a runaway answer to a few minutes instead of ``max_tokens`` x re-asks.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .errors import DeadlineExceeded

BASE_SECONDS = 60.0
SECONDS_PER_TOKEN = 0.25
CHARS_PER_TOKEN = 4

_ends_at: ContextVar[float | None] = ContextVar("communique_deadline", default=None)


def default_seconds(text: str) -> float:
    """The default deadline for an article: 60 s plus 0.25 s per token (about 4 characters a token)."""
    return round(BASE_SECONDS + SECONDS_PER_TOKEN * len(text) / CHARS_PER_TOKEN, 1)


@contextmanager
def scope(seconds: float | None) -> Iterator[float | None]:
    """Run the body under a deadline ``seconds`` from now (``None``: no deadline). Yields the monotonic
    time it ends at."""
    ends = None if seconds is None else time.monotonic() + seconds
    token = _ends_at.set(ends)
    try:
        yield ends
    finally:
        _ends_at.reset(token)


def ends_at() -> float | None:
    return _ends_at.get()


def remaining() -> float | None:
    """Seconds left before the current deadline (never negative), or ``None`` without one."""
    ends = _ends_at.get()
    return None if ends is None else max(0.0, ends - time.monotonic())


def expired() -> bool:
    ends = _ends_at.get()
    return ends is not None and time.monotonic() >= ends


def check(what: str) -> None:
    """Raise :class:`DeadlineExceeded` if the deadline has passed (before starting ``what``)."""
    if expired():
        raise DeadlineExceeded(f"the article's deadline passed before {what}")
