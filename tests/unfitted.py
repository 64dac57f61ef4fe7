"""What every table of made-up test sentences checks: none of its sentences is written in the code,
so that no rule can be fitted to a test sentence. Shared by the guard's, chairs' and the other checks'
tables."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "communique"
PROMPTS = Path(__file__).resolve().parent.parent / "prompts"


def four_word_runs(text: str) -> set[tuple[str, ...]]:
    """Every run of four words in ``text``, case-folded."""
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i : i + 4]) for i in range(len(words) - 3)}


def package_text() -> str:
    """The package's code and the prompts the model reads: where a rule could be fitted to a test sentence."""
    files = [*PACKAGE.rglob("*.py"), *PROMPTS.rglob("*.j2")]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)
