"""Every exception allegiance raises, in one place.

The hierarchy::

    AllegianceError                 base of everything the library raises on purpose
    ├── DateError                   a date or EDTF string that cannot be read or is impossible
    ├── UnknownStateError           a state name or code that resolves to nothing
    ├── UnknownIdError              an id (source, entity, statement) that is not in the knowledge base
    ├── VoteInputError              roll-call votes an estimator cannot use (empty, unknown codes, a session without votes)
    └── KnowledgeBaseError          the knowledge base did not validate; carries every Problem found

The library raises these; the CLI turns them into a one-line message (or, for
KnowledgeBaseError, one line per problem) and a non-zero exit code.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AllegianceError",
    "DateError",
    "UnknownStateError",
    "UnknownIdError",
    "KnowledgeBaseError",
    "Problem",
    "VoteInputError",
]


class AllegianceError(Exception):
    """Base class of allegiance's own errors."""


class DateError(AllegianceError, ValueError):
    """A date that cannot be parsed, is impossible, or is the wrong precision."""


class UnknownStateError(AllegianceError, LookupError):
    """A state name or code that matches no state."""


class UnknownIdError(AllegianceError, LookupError):
    """An id that is not in the knowledge base."""


class VoteInputError(AllegianceError, ValueError):
    """Roll-call votes that cannot be used as given: the message names the column, the bad value and its row."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the knowledge base, located to file, line and field."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class KnowledgeBaseError(AllegianceError):
    """The knowledge base did not validate. Nothing was loaded.

    ``problems`` lists every problem found, sorted by file and line.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.field, p.message))
        n = len(self.problems)
        head = str(self.problems[0]) if self.problems else "no problems"
        more = f" (and {n - 1} more)" if n > 1 else ""
        super().__init__(f"knowledge base is invalid: {head}{more}")
