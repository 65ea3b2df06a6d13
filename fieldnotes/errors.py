"""The project's exception hierarchy.

Every error a user can cause is a :class:`FieldnotesError`; its message names the
bad input and says how to fix it. Code never uses ``assert`` to check input.
"""

from __future__ import annotations

__all__ = [
    "FieldnotesError",
    "ConfigError",
    "InputError",
    "UnreadableFileError",
    "StoreError",
    "NotFoundError",
    "ModelError",
]


class FieldnotesError(Exception):
    """Base class of every error raised on purpose by fieldnotes."""


class ConfigError(FieldnotesError):
    """A setting, option or environment variable has a bad value."""


class InputError(FieldnotesError):
    """User input (a query, a path, an option) cannot be used as given."""


class UnreadableFileError(InputError):
    """A file cannot become a document: empty, binary, undecodable, too large.

    Attributes:
        path: the file, as given.
        reason: a short phrase for reports, e.g. ``"binary file (NUL bytes)"``.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class StoreError(FieldnotesError):
    """The home folder's store is missing, locked, corrupt or inconsistent."""


class NotFoundError(FieldnotesError):
    """A document, entity or theme asked for by name or id does not exist."""


class ModelError(FieldnotesError):
    """An embedding model cannot be loaded or cannot run on this machine."""
