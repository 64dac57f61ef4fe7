"""The errors communique raises. Catch :class:`CommuniqueError` for all of them."""

from __future__ import annotations


class CommuniqueError(Exception):
    """Base class of every error communique raises on purpose."""

    exit_code = 1


class InputError(CommuniqueError):
    """The article cannot be used: missing, empty, binary, undecodable or too large."""

    exit_code = 3

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class BackendUnavailable(CommuniqueError):
    """The backend cannot be reached or started (server down, extra not installed, model missing)."""

    exit_code = 4


class ModelIntegrityError(CommuniqueError):
    """A model file does not match its pinned size or sha256."""

    exit_code = 5


class ExtractionFailed(CommuniqueError):
    """The model answered, but not with something usable within the retry budget."""

    exit_code = 6


class DeadlineExceeded(ExtractionFailed):
    """The article's deadline passed before its answers were complete (generation was stopped)."""

    exit_code = 6


class ConfigError(CommuniqueError):
    """An unknown prompt version, schema version, backend or option value."""

    exit_code = 2
