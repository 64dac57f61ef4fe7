"""communique: typed, grounded summaries of news articles about meetings.

    >>> from communique import summarise
    >>> summary = summarise(Path("article.txt"))
    >>> summary.parties[0].name, summary.quotes[0].span
"""

from __future__ import annotations

from ._version import __version__
from .api import Summariser, asummarise, summarise
from .errors import (
    BackendUnavailable,
    CommuniqueError,
    ConfigError,
    DeadlineExceeded,
    ExtractionFailed,
    InputError,
    ModelIntegrityError,
)
from .inputs import Article, from_text, read_path
from .schema.v1 import Chair, Domain, Event, Party, Provenance, Quote, Span, Summary

__all__ = [
    "Article",
    "BackendUnavailable",
    "Chair",
    "CommuniqueError",
    "ConfigError",
    "Domain",
    "Event",
    "DeadlineExceeded",
    "ExtractionFailed",
    "InputError",
    "ModelIntegrityError",
    "Party",
    "Provenance",
    "Quote",
    "Span",
    "Summariser",
    "Summary",
    "__version__",
    "asummarise",
    "from_text",
    "read_path",
    "summarise",
]
