"""User-facing exceptions.

A `UserError` carries a Vietnamese message meant for the clerk and the exit code the command line
returns; anything else that escapes is a bug, logged with its traceback to a file, not shown.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2


class UserError(Exception):
    """A problem the user can fix: bad usage, a missing folder, a broken settings file."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class SettingsError(UserError):
    """bao-cao.toml is missing, unreadable or does not follow the schema."""


class DataFolderError(UserError):
    """The data folder or don-vi.csv is missing or unusable as a whole."""
