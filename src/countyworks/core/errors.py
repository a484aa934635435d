"""Errors shared by the shell and the domain code (so no domain module imports the CLI)."""

from __future__ import annotations

from collections.abc import Sequence


class InputError(Exception):
    """Bad input from a file or an option: the CLI exits 1 with every message on stderr."""

    def __init__(self, messages: str | Sequence[str]) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))


class BriefUnavailable(LookupError):
    """The program is not installed or has no brief, or the region/period has no data."""
