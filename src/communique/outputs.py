"""Stage 6, outputs: a Summary as JSON or Markdown."""

from __future__ import annotations

import jinja2

from .errors import ConfigError
from .schema.v1 import Summary

FORMATS = ("json", "md")
_env = jinja2.Environment(
    loader=jinja2.PackageLoader("communique", "templates"),
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render(summary: Summary, fmt: str = "json") -> str:
    if fmt == "json":
        return summary.model_dump_json(indent=2) + "\n"
    if fmt == "md":
        return _env.get_template("summary.md.j2").render(s=summary)
    raise ConfigError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
