"""Domain errors of the loaders. The CLI and the pages turn them into one line."""

from __future__ import annotations


class LoaderError(Exception):
    """A file could not be read or is not an annual report.

    ``problem`` says what is wrong, ``hint`` what the user can do about it.
    ``str(err)`` is the one line shown to users: "<file>：<problem>（<hint>）",
    in Chinese like every message a user reads.
    """

    def __init__(self, source: str, problem: str, hint: str = "") -> None:
        self.source = source
        self.problem = problem
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        line = f"{self.source}：{self.problem}"
        if self.hint:
            line += f"（{self.hint}）"
        return line
