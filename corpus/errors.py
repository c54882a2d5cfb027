"""Errors that reach the user as one line (never a traceback)."""


class UsageError(Exception):
    """Bad argument, config or environment; ``status`` is the exit code."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status
