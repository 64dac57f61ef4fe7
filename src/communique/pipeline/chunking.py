"""Long articles: split at paragraph boundaries into overlapping chunks that fit the model's context,
and merge what each chunk yields back into one draft with offsets into the whole article."""

from __future__ import annotations

from dataclasses import dataclass

from .drafts import Draft
from ..reading.text import normalise

#: Characters per chunk. Qwen2.5 tokenises English news at roughly 4 characters a token, so 20,000
#: characters (~5,000 tokens) leave room for the prompt and answers in the local 8,192-token context.
MAX_CHUNK_CHARS = 20_000
OVERLAP_CHARS = 1_000


@dataclass(frozen=True)
class Chunk:
    start: int
    end: int
    text: str


def split(text: str, max_chars: int = MAX_CHUNK_CHARS, overlap: int = OVERLAP_CHARS) -> list[Chunk]:
    """Chunks of at most ``max_chars``, cut after a paragraph break where possible (else a sentence end,
    else a space), each starting ``overlap`` characters before the previous one ended."""
    if len(text) <= max_chars:
        return [Chunk(0, len(text), text)]
    chunks: list[Chunk] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + max_chars)
        if end < len(text):
            window = text[start:end]
            for sep in ("\n\n", "\n", ". ", " "):
                cut = window.rfind(sep, max_chars // 2)
                if cut > 0:
                    end = start + cut + len(sep)
                    break
        chunks.append(Chunk(start, end, text[start:end]))
        if end >= len(text):
            break
        start = max(end - overlap, start + 1)
        while start > 0 and start < end and not text[start - 1].isspace():
            start += 1  # begin on a word boundary
    return chunks


def merge(parts: list[tuple[Chunk, Draft]]) -> Draft:
    """One draft from the drafts of several chunks; quote offsets are moved to the whole article."""
    merged = Draft()
    seen: dict[str, set[str]] = {"parties": set(), "chairs": set()}
    domains: set[tuple[str, str]] = set()
    quote_starts: set[int] = set()
    for chunk, draft in parts:
        for p in draft.parties:
            if (key := normalise(p.name)) not in seen["parties"]:
                seen["parties"].add(key)
                merged.parties.append(p)
        for c in draft.chairs:
            if (key := normalise(c.name)) not in seen["chairs"]:
                seen["chairs"].add(key)
                merged.chairs.append(c)
        for d in draft.domains:  # the same domain once; which count as one is the strategy's review's to say
            if (same := (d.label.value, normalise(d.wording))) not in domains:
                domains.add(same)
                merged.domains.append(d)
        for q in draft.quotes:
            start = None if q.start is None else q.start + chunk.start
            if start is not None and start in quote_starts:
                continue
            if start is not None:
                quote_starts.add(start)
            merged.quotes.append(q.model_copy(update={"start": start}))
        for name in ("kind", "title", "date", "location"):
            if getattr(merged.event, name) is None:
                setattr(merged.event, name, getattr(draft.event, name))
        merged.summary = merged.summary or draft.summary
        merged.rejected += draft.rejected
        merged.warnings += draft.warnings
    return merged
