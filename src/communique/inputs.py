"""Stage 1, inputs: turn what the user hands us into an :class:`Article`, or one clear :class:`InputError`.

The article text is kept exactly as decoded (a UTF-8 byte-order mark is the only thing removed), so
every span in a summary indexes ``article.text`` directly.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
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


def decode(data: bytes, source: str, encoding: str | None = None) -> tuple[str, str | None]:
    """Decode article bytes: in ``encoding`` when given; else UTF-8 (a byte-order mark dropped), else
    the encoding charset-normalizer detects, kept only when the result reads as text. Returns the text
    and the detected encoding (``None`` unless detected). Binary data and bytes that the encoding does
    not explain are refused, naming the input. Detection is a guess on short texts: when it guesses
    wrong (say Windows-1252 for Polish Windows-1250), pass the encoding."""
    if not data:
        raise InputError(source, "is empty")
    if b"\x00" in data[:_SNIFF_BYTES] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(source, "looks like a binary file (it contains NUL bytes), not text")
    detected = None
    try:
        text = data.decode(encoding or "utf-8-sig").removeprefix("\ufeff")
    except LookupError:
        raise InputError(source, f"cannot be read as {encoding!r}: no such encoding") from None
    except UnicodeDecodeError as exc:
        if encoding:
            raise InputError(source, f"is not valid {encoding} (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
        text, detected = _detect(data, source, exc)
    controls = sum(1 for ch in text[:_SNIFF_BYTES] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(8, len(text[:_SNIFF_BYTES]) // 20):
        raise InputError(source, "looks like a binary file (too many control characters), not text")
    return _check_text(text, source), detected


def _reads_as_text(text: str) -> bool:
    """Most characters are letters, digits, spaces or punctuation, and at least half are letters: a
    wrong guess at an encoding gives symbols, box drawing or runs of digits instead."""
    sample = text[:_SNIFF_BYTES]
    if not sample:
        return False
    kinds = [unicodedata.category(ch)[0] for ch in sample]
    wordlike = sum(k in "LNPZ" or ch in "\n\r\t" for k, ch in zip(kinds, sample))
    return wordlike >= 0.95 * len(sample) and kinds.count("L") >= 0.5 * len(sample)


def _detect(data: bytes, source: str, error: UnicodeDecodeError) -> tuple[str, str]:
    from charset_normalizer import from_bytes as detect

    results = list(detect(data))
    best = results[0] if results else None
    if best is not None:  # among equally clean readings, Windows-1252 (the web's legacy default) wins
        best = next((r for r in results if r.encoding == "cp1252" and r.chaos <= best.chaos + 0.01), best)
    if best is not None and best.encoding not in ("utf_8", "utf_8_sig"):
        text = str(best).removeprefix("\ufeff")
        if _reads_as_text(text):
            return text, best.encoding
    raise InputError(
        source,
        f"is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}) and no other encoding "
        "explains it; convert it to UTF-8 first",
    )


def from_text(text: str, *, id: str | None = None, source: str = "<text>", **metadata: Any) -> Article:
    """An article from a string already in memory."""
    if not isinstance(text, str):
        raise InputError(source, f"must be str, not {type(text).__name__}")
    _check_text(text, source)
    article_id = id or hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return Article(text=text, id=article_id, source=source, metadata=dict(metadata))


def from_bytes(data: bytes, *, id: str | None = None, source: str = "<bytes>", encoding: str | None = None,
               **metadata: Any) -> Article:
    """An article from bytes: in ``encoding``, or UTF-8, or a detected encoding recorded as
    ``metadata["encoding"]`` (the summary then warns)."""
    text, detected = decode(data, source, encoding)
    return from_text(text, id=id, source=source, **metadata, **({"encoding": detected} if detected else {}))


def read_path(path: str | Path, encoding: str | None = None) -> Article:
    """Read one article from a file, or from standard input when ``path`` is ``-``."""
    if str(path) == "-":
        return from_bytes(sys.stdin.buffer.read(), source="<stdin>", id="stdin", encoding=encoding)
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
    return from_bytes(data, source=source, id=p.stem, encoding=encoding)


def as_article(article: Article | str | Path) -> Article:
    """Accept an :class:`Article`, a :class:`~pathlib.Path`, or article text given as ``str``."""
    if isinstance(article, Article):
        return article
    if isinstance(article, Path):
        return read_path(article)
    if isinstance(article, str):
        return from_text(article)
    raise InputError(repr(article)[:60], f"cannot be summarised: expected str, Path or Article, not {type(article).__name__}")


# -- many inputs: files, folders, globs, stdin, JSONL records, HTML -------------------------------

ARTICLE_SUFFIXES = {".txt", ".md", ".text", ".html", ".htm", ".jsonl"}


@dataclass(frozen=True)
class InputItem:
    """One article to come: loading it may fail with an InputError, which then belongs to this item only."""

    id: str
    source: str
    load: Callable[[], Article]


def from_html(html: str, *, id: str, source: str, url: str | None = None, **metadata: Any) -> Article:
    """The main text of a web page (trafilatura), with its title, date and URL kept as metadata."""
    try:
        import trafilatura
    except ImportError:
        raise InputError(source, 'is HTML; reading HTML needs the html extra: pip install "communique[html]"') from None
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise InputError(source, "is HTML with no article text in it")
    meta = {k: getattr(doc, k, None) for k in ("title", "date", "url")}
    meta = {k: v for k, v in meta.items() if v} | ({"url": url} if url else {})
    return from_text(text, id=id, source=source, **(meta | metadata))


def _file_item(path: Path, encoding: str | None = None) -> InputItem:
    def load() -> Article:
        if path.suffix.lower() in {".html", ".htm"}:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise InputError(str(path), f"cannot be read ({exc.strerror or exc})") from None
            html, detected = decode(data, str(path), encoding)
            return from_html(html, id=path.stem, source=str(path), **({"encoding": detected} if detected else {}))
        return read_path(path, encoding)

    return InputItem(path.stem, str(path), load)


def _failing(source: str, reason: str) -> Callable[[], Article]:
    def load() -> Article:
        raise InputError(source, reason)

    return load


def _record_item(line: str, number: int, source: str, base: Path, encoding: str | None = None) -> InputItem:
    where = f"{source}:{number}"

    def fail(reason: str) -> Callable[[], Article]:
        return _failing(where, reason)

    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return InputItem(f"line-{number}", where, fail(f"is not valid JSON ({exc.msg} at column {exc.colno})"))
    if not isinstance(record, dict):
        return InputItem(f"line-{number}", where, fail("is not a JSON object"))
    rid = str(record.get("id") or f"line-{number}")
    if isinstance(record.get("text"), str):
        return InputItem(rid, where, lambda: from_text(record["text"], id=rid, source=where))
    if isinstance(record.get("html"), str):
        return InputItem(rid, where, lambda: from_html(record["html"], id=rid, source=where, url=record.get("url")))
    if isinstance(record.get("path"), str):
        path = Path(record["path"])
        path = path if path.is_absolute() else base / path
        return InputItem(rid, where, lambda: replace(_file_item(path, encoding).load(), id=rid))
    if isinstance(record.get("url"), str):
        return InputItem(rid, where, lambda: _fetch(record["url"], rid, where))
    return InputItem(rid, where, fail('has none of the fields "text", "html", "path" or "url"'))


def _fetch(url: str, id: str, source: str) -> Article:
    import httpx

    try:
        response = httpx.get(url, follow_redirects=True, timeout=30)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise InputError(source, f"cannot fetch {url}: {exc}") from None
    return from_html(response.text, id=id, source=source, url=str(response.url))


def _jsonl_items(lines: Iterable[str | bytes], source: str, base: Path, encoding: str | None = None) -> Iterator[InputItem]:
    for number, line in enumerate(lines, start=1):
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                reason = f"is not valid UTF-8 (byte 0x{line[exc.start]:02x} at column {exc.start + 1}); JSON Lines must be UTF-8"
                yield InputItem(f"line-{number}", f"{source}:{number}", _failing(f"{source}:{number}", reason))
                continue
        if line.strip():
            yield _record_item(line, number, source, base, encoding)


def iter_inputs(specs: Iterable[str], encoding: str | None = None) -> Iterator[InputItem]:
    """Every article named by ``specs``: files, folders (recursively, article-like suffixes), glob
    patterns, ``-`` for standard input (JSONL when its first character is ``{``) and ``.jsonl`` files.
    ``encoding`` applies to article files and to an article on standard input, which is read as bytes
    and decoded as a file is (JSON Lines are always UTF-8)."""
    for spec in specs:
        if spec == "-":
            data = sys.stdin.buffer.read()
            if data.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"{"):
                yield from _jsonl_items(data.splitlines(), "<stdin>", Path.cwd(), encoding)
            else:
                yield InputItem("stdin", "<stdin>", functools.partial(from_bytes, data, id="stdin", source="<stdin>", encoding=encoding))
            continue
        path = Path(spec)
        if any(ch in spec for ch in "*?[") and not path.exists():
            matches = sorted(Path().glob(spec)) if not path.is_absolute() else sorted(Path("/").glob(spec[1:]))
            if not matches:
                yield InputItem(spec, spec, _failing(spec, "matches no file"))
            for match in matches:
                yield from iter_inputs([str(match)], encoding)
        elif path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)
            yield from iter_inputs([str(p) for p in files], encoding)
        elif path.suffix.lower() == ".jsonl" and path.is_file():
            with path.open("rb") as fh:
                yield from _jsonl_items(fh, str(path), path.parent, encoding)
        else:
            yield _file_item(path, encoding)
