"""Every exception allegiance raises, in one place.

The hierarchy::

    AllegianceError                 base of everything the library raises on purpose
    ├── DateError                   a date or EDTF string that cannot be read or is impossible
    ├── UnknownStateError           a state name or code that resolves to nothing
    ├── UnknownIdError              an id (source, entity, statement, arrangement...) that is not known
    ├── KnowledgeBaseError          the knowledge base did not validate; carries every Problem found
    ├── RulesError                  a rules question that cannot be answered as asked (undeclared mode, bad consent list)
    ├── VoteInputError              roll-call votes an estimator cannot use (empty, unknown codes, a session without votes)
    ├── PowerError                  a voting game that cannot be built or computed as given (also a ValueError)
    ├── StatusError                 a status question outside what the knowledge base covers (a date before 1990 or after its horizon)
    └── DataError                   the measure layer's data store (imported datasets)
        ├── DataImportError         a dataset file did not validate; carries every Problem found; nothing imported
        └── DataMissingError        a measure needs a dataset that has not been imported (says which import to run)

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
    "RulesError",
    "PowerError",
    "StatusError",
    "DataError",
    "DataImportError",
    "DataMissingError",
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


class RulesError(AllegianceError):
    """A question the rules cannot answer as asked: a mode the arrangement does not declare, a consent
    list naming neither an office nor a state, a property that matches no action."""


class PowerError(AllegianceError, ValueError):
    """A game that cannot be built as given, or a computation that cannot be done as asked.

    The message says what is wrong (which player, which weight, which quota);
    a caller that read the game from a file adds the file and line.
    """


class StatusError(AllegianceError, ValueError):
    """A status question the knowledge base does not cover: says the coverage and what to ask instead."""


class DataError(AllegianceError):
    """Something wrong with the measure layer's data store or a dataset file."""


class DataImportError(DataError):
    """A dataset file did not validate, or is not the format named. Nothing was imported.

    ``problems`` lists the bad rows found (``file:line: field: message``), in
    file order; ``total`` is how many there were in all (the list may be cut
    short for a badly broken file).
    """

    def __init__(self, message: str, problems: list[Problem] | None = None, total: int | None = None):
        self.problems = list(problems or [])
        self.total = total if total is not None else len(self.problems)
        super().__init__(message)


class DataMissingError(DataError, LookupError):
    """A measure needs a dataset that has not been imported; the message says which import to run."""
