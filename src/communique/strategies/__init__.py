"""The strategies: which questions a prompt version asks, and how its answers become a draft. A
strategy is a generator (see :data:`communique.pipeline.session.Strategy`), registered under the name
a prompt version gives in its ``strategy`` field by :func:`register`, with its *review* if it has one
(:data:`communique.pipeline.session.Review`): what it does with the whole article's draft, once the
drafts of a long article's chunks are merged, before grounding. Each strategy hands grounding a
draft its own checks passed.

- ``single-call`` (prompt v1, :mod:`.single_call`): the whole draft in one question.
- ``decomposed`` (prompt v2, :mod:`.decomposed`): candidates found by regular expressions, the model
  choosing among them.
- Both review their answers with the simple rules of :mod:`.unassisted`.
- ``assisted`` (prompt v3 and later, :mod:`.assisted`): hints found exactly, judgements asked, answers
  checked (:mod:`communique.checks`). It needs the ``nlp`` extra, so a module is imported only when a
  prompt version asks for its strategy.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from ..errors import ConfigError
from ..pipeline.session import Review, Strategy
from ..prompting import PromptVersion

#: Strategy name -> the generator; a strategy's module (its name with "_" for "-") registers it.
STRATEGIES: dict[str, Strategy] = {}
#: Strategy name -> its review, for the strategies that have one.
REVIEWS: dict[str, Review] = {}


def register(name: str, review: Review | None = None) -> Callable[[Strategy], Strategy]:
    """Register the decorated generator as the strategy ``name``, with its ``review``."""

    def add(strategy: Strategy) -> Strategy:
        STRATEGIES[name] = strategy
        if review is not None:
            REVIEWS[name] = review
        return strategy

    return add


def strategy_for(prompt: PromptVersion) -> Strategy:
    module = f"{__name__}.{prompt.strategy.replace('-', '_')}"
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:  # the strategy's module exists, but something it imports is missing
            raise
    if prompt.strategy not in STRATEGIES:
        raise ConfigError(f"prompt {prompt.key} asks for unknown strategy {prompt.strategy!r}")
    return STRATEGIES[prompt.strategy]


def review_for(prompt: PromptVersion) -> Review | None:
    """The review of the prompt version's strategy, if it has one."""
    strategy_for(prompt)  # imports the strategy's module, which registers it
    return REVIEWS.get(prompt.strategy)
