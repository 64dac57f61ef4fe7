"""Stage 6, outputs: a Summary as JSON, Markdown or a self-contained HTML page."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2

from .errors import ConfigError
from .schema.v1 import Summary

FORMATS = ("json", "md", "html")
_html = jinja2.Environment(
    loader=jinja2.PackageLoader("communique", "templates"),
    autoescape=True,  # article text is untrusted: every HTML output escapes it
    trim_blocks=True,
    lstrip_blocks=True,
)
_env = jinja2.Environment(
    loader=jinja2.PackageLoader("communique", "templates"),
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render(summary: Summary, fmt: str = "json", article: str | None = None) -> str:
    """``article`` (the text the summary was made from) lets HTML show it with the spans highlighted."""
    if fmt == "json":
        return summary.model_dump_json(indent=2) + "\n"
    if fmt == "md":
        return _env.get_template("summary.md.j2").render(s=summary)
    if fmt == "html":
        pieces = segments(article, summary_marks(summary)) if article is not None else []
        return _html.get_template("summary.html.j2").render(s=summary, segments=pieces)
    raise ConfigError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    kind: str  # css class: gold-quote, pred-quote, gold-name, pred-name, gold-domain, pred-domain
    label: str


def segments(text: str, marks: list[Mark]) -> list[tuple[str, list[Mark]]]:
    """Cut the text at every mark boundary; each piece carries the marks covering it (overlaps kept)."""
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        if a == b:
            continue
        pieces.append((text[a:b], [m for m in marks if m.start <= a and b <= m.end]))
    return pieces


def summary_marks(s: Summary) -> list[Mark]:
    marks = [Mark(q.span.start, q.span.end, "pred-quote", f"quote — {q.speaker or 'unattributed'}") for q in s.quotes if q.span]
    marks += [Mark(c.evidence.start, c.evidence.end, "pred-name", f"chair — {c.title or ''}") for c in s.chairs if c.evidence]
    marks += [Mark(d.span.start, d.span.end, "pred-domain", f"domain — {d.label.value}") for d in s.domains if d.span]
    marks += [Mark(m.start, m.end, "party", f"party — {p.name}") for p in s.parties for m in p.mentions]
    return marks
