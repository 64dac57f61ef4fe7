"""Stage 1, inputs: turn what the user hands us into an :class:`Article`, or one clear :class:`InputError`.

The article text is kept exactly as decoded (a UTF-8 byte-order mark is the only thing removed), so
every span in a summary indexes ``article.text`` directly.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError

#: Articles longer than this are refused (documented in the README). Long articles below it are chunked.
MAX_ARTICLE_CHARS = 1_000_000
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Article:
    text: str
    id: str
    source: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def _check_text(text: str, source: str) -> str:
    if not text:
        raise InputError(source, "is empty")
    if not text.strip():
        raise InputError(source, "contains only whitespace")
    if len(text) > MAX_ARTICLE_CHARS:
        raise InputError(source, f"is too long ({len(text):,} characters; the limit is {MAX_ARTICLE_CHARS:,})")
    return text


def decode(data: bytes, source: str) -> str:
    """Decode article bytes as UTF-8, refusing binary data with a reason that names the input."""
    if not data:
        raise InputError(source, "is empty")
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        raise InputError(source, "looks like a binary file (it contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            source,
            f"is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); convert it to UTF-8 first",
        ) from None
    controls = sum(1 for ch in text[:_SNIFF_BYTES] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(8, len(text[:_SNIFF_BYTES]) // 20):
        raise InputError(source, "looks like a binary file (too many control characters), not text")
    return _check_text(text, source)


def from_text(text: str, *, id: str | None = None, source: str = "<text>", **metadata: Any) -> Article:
    """An article from a string already in memory."""
    if not isinstance(text, str):
        raise InputError(source, f"must be str, not {type(text).__name__}")
    _check_text(text, source)
    article_id = id or hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return Article(text=text, id=article_id, source=source, metadata=dict(metadata))


def from_bytes(data: bytes, *, id: str | None = None, source: str = "<bytes>", **metadata: Any) -> Article:
    return from_text(decode(data, source), id=id, source=source, **metadata)


def read_path(path: str | Path) -> Article:
    """Read one article from a file, or from standard input when ``path`` is ``-``."""
    if str(path) == "-":
        return from_bytes(sys.stdin.buffer.read(), source="<stdin>", id="stdin")
    p = Path(path)
    source = str(path)
    if not p.exists():
        raise InputError(source, "no such file")
    if p.is_dir():
        raise InputError(source, "is a directory, not a file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(source, f"cannot be read ({exc.strerror or exc})") from None
    return from_bytes(data, source=source, id=p.stem)


def as_article(article: Article | str | Path) -> Article:
    """Accept an :class:`Article`, a :class:`~pathlib.Path`, or article text given as ``str``."""
    if isinstance(article, Article):
        return article
    if isinstance(article, Path):
        return read_path(article)
    if isinstance(article, str):
        return from_text(article)
    raise InputError(repr(article)[:60], f"cannot be summarised: expected str, Path or Article, not {type(article).__name__}")
