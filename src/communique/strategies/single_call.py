"""The ``single-call`` strategy (prompt v1): the whole draft in one question, its answers reviewed
with the simple rules of :mod:`.unassisted`."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from ..inputs import Article
from ..pipeline.drafts import Draft
from ..pipeline.session import Question, Step
from ..prompting import PromptVersion
from . import register
from .unassisted import review


@register("single-call", review)
def single_call(article: Article, prompt: PromptVersion) -> Generator[Step, Any, Draft]:
    draft = yield Question("user", Draft)
    return draft if draft is not None else Draft(warnings=["no answer before the deadline"])
