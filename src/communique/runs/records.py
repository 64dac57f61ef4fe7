"""What a run writes: a record per input, where records go (a :class:`Sink`), and the run's
:class:`Stats`.

A record is ``{"id", "source", "status": "ok" | "error" | "skipped", "summary" | "error", "seconds"}``;
``skipped`` means the summary came from the ledger's cache (same article, prompt, schema, model and
parameters), so a re-run after an interruption only does what is left.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

from ..errors import CommuniqueError
from ..outputs import render
from ..schema.v1 import Summary


#: What became of one input: summarised, failed, or ``skipped`` (its summary came from the ledger's cache).
Status = Literal["ok", "error", "skipped"]


@dataclass
class Record:
    id: str
    source: str
    status: Status
    summary: Summary | None = None
    error: str | None = None
    seconds: float = 0.0
    exc: CommuniqueError | None = field(default=None, repr=False)
    article: str | None = field(default=None, repr=False)  # the text, for HTML output

    def as_json(self) -> str:
        body: dict[str, Any] = {"id": self.id, "source": self.source, "status": self.status}
        if self.summary is not None:
            body["summary"] = json.loads(self.summary.model_dump_json())
        if self.error is not None:
            body["error"] = self.error
        body["seconds"] = round(self.seconds, 3)
        return json.dumps(body, ensure_ascii=False)


#: USD per million tokens (input, output) of priced OpenAI models, from openai.com/api/pricing as of
#: 2026-11; used for the end-of-run cost line only. Unknown and local models show no cost.
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
}


@dataclass
class Stats:
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    started: float = field(default_factory=time.perf_counter)
    price_factor: float = 1.0  # 0.5 through the Batch API, which OpenAI bills at half price

    def add(self, record: Record) -> None:
        if record.status == "ok":
            self.ok += 1
            assert record.summary is not None
            self.prompt_tokens += record.summary.provenance.usage.prompt_tokens
            self.completion_tokens += record.summary.provenance.usage.completion_tokens
        elif record.status == "skipped":
            self.skipped += 1
        else:
            self.failed += 1

    def cost(self, backend: str, model: str) -> float | None:
        price = PRICES.get(model) if backend == "openai" else None
        if price is None:
            return None
        return self.price_factor * (self.prompt_tokens * price[0] + self.completion_tokens * price[1]) / 1_000_000

    def line(self, backend: str = "", model: str = "") -> str:
        wall = time.perf_counter() - self.started
        cost = self.cost(backend, model)
        return (
            f"ok {self.ok} · failed {self.failed} · skipped {self.skipped} (cached) · "
            f"tokens {self.prompt_tokens + self.completion_tokens:,} "
            f"({self.prompt_tokens:,} prompt + {self.completion_tokens:,} completion) · wall {wall:.1f} s"
            + (f" · cost ${cost:.4f}" if cost is not None else "")
            + (" (Batch API price)" if cost is not None and self.price_factor != 1.0 else "")
        )


class Sink:
    """Where records go: JSONL lines on a stream (flushed one by one), or one file per article."""

    def __init__(self, stream: TextIO | None = None, out_dir: Path | None = None, fmt: str = "jsonl") -> None:
        self.stream, self.out_dir, self.fmt = stream, out_dir, fmt
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)

    def write(self, record: Record) -> None:
        if self.out_dir is None:
            assert self.stream is not None
            self.stream.write(record.as_json() + "\n")
            self.stream.flush()
            return
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in record.id) or "article"
        if record.summary is not None and self.fmt in ("json", "md", "html"):
            target = self.out_dir / f"{safe}.{self.fmt}"
            text = render(record.summary, self.fmt, record.article)
        else:
            target = self.out_dir / f"{safe}.{'error.json' if record.status == 'error' else 'jsonl'}"
            text = record.as_json() + "\n"
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
