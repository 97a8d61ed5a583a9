"""Every exception allegiance raises, in one place, and what each means at the edges.

The hierarchy::

    AllegianceError                 base of everything the library raises on purpose
    ├── UsageError                  a question asked in a way that means nothing (a state compared with itself,
    │                               options that exclude each other)
    ├── DateError                   a date or EDTF string that cannot be read or is impossible
    ├── UnknownStateError           a state name or code that resolves to nothing
    ├── UnknownIdError              an id (source, entity, statement, arrangement...) that is not known
    ├── KnowledgeBaseError          the knowledge base did not validate; carries every Problem found
    ├── RulesError                  a rules question that cannot be answered as asked (undeclared mode, bad consent list)
    ├── LimitError                  a computation larger than the engine will do (too many coalitions to list)
    ├── VoteInputError              roll-call votes an estimator cannot use (empty, unknown codes, a session without votes)
    ├── PowerError                  a voting game that cannot be built or computed as given (also a ValueError)
    ├── StatusError                 a status question outside what the knowledge base covers (a date before 1990 or after its horizon)
    └── DataError                   the measure layer's data store (imported datasets)
        ├── DataImportError         a dataset file did not validate; carries every Problem found; nothing imported
        └── DataMissingError        a measure needs a dataset that has not been imported (says which import to run)

Every error carries its context as attributes, not only in its message:
``value`` (the bad value, as given), ``field`` (the library's name for what
held it: a parameter such as ``as_of`` or ``consent``, or a field of a file)
and ``allowed`` (what would have been accepted, as text). Library messages
name values and fields, never command-line flags: the edges add those (the
CLI maps ``field`` to its flag, the web app to its query parameter).

:data:`EXIT_CODES` and :data:`HTTP_STATUS` are the one table of what each
error becomes at an edge: exit code 2 for a question asked wrongly (usage),
1 for everything else; an HTTP 4xx for anything a request caused, 5xx only
for a knowledge base or data store that is itself broken. :func:`edge_of`
looks an error up in it (the most specific class wins).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "AllegianceError",
    "UsageError",
    "DateError",
    "UnknownStateError",
    "UnknownIdError",
    "KnowledgeBaseError",
    "Problem",
    "RulesError",
    "LimitError",
    "PowerError",
    "StatusError",
    "DataError",
    "DataImportError",
    "DataMissingError",
    "VoteInputError",
    "EDGE_TABLE",
    "edge_of",
    "shorten",
]

_UNSET: Any = object()


def shorten(value: Any, limit: int = 60) -> str:
    """``repr``-like text of a bad value, cut to ``limit`` characters so that a message stays one short line."""
    text = repr(value) if isinstance(value, str) else str(value)
    text = text.replace("\n", "\\n").replace("\r", "\\r")
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026" + (text[0] if text[:1] in "'\"" else "")
    return text


class AllegianceError(Exception):
    """Base class of allegiance's own errors.

    ``message`` is the whole one-line explanation; ``value``, ``field`` and
    ``allowed`` repeat its parts as data, for callers that want them (the
    web app's error shape, the CLI's flag names).
    """

    def __init__(self, message: str = "", *, value: Any = _UNSET, field: str | None = None,
                 allowed: str | None = None):
        super().__init__(message)
        self.message = message
        self.has_value = value is not _UNSET
        self.value = None if value is _UNSET else value
        self.field = field
        self.allowed = allowed

    def context(self) -> dict[str, Any]:
        """The error as data: its kind, message and whatever context it carries (JSON-ready)."""
        out: dict[str, Any] = {"error": type(self).__name__, "message": self.message or str(self)}
        if self.field is not None:
            out["field"] = self.field
        if self.has_value:
            out["value"] = self.value if isinstance(self.value, (str, int, float, bool)) or self.value is None \
                else str(self.value)
        if self.allowed is not None:
            out["allowed"] = self.allowed
        return out


class UsageError(AllegianceError, ValueError):
    """A question that means nothing as asked: the message says why and what to ask instead."""


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


class LimitError(AllegianceError):
    """A computation larger than the engine will carry out (e.g. more minimal winning coalitions than it lists).

    The message says the limit and how to ask a smaller question.
    """


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

    def __init__(self, message: str, problems: list[Problem] | None = None, total: int | None = None, **context):
        self.problems = list(problems or [])
        self.total = total if total is not None else len(self.problems)
        super().__init__(message, **context)


class DataMissingError(DataError, LookupError):
    """A measure needs a dataset that has not been imported; the message says which import to run."""


#: The one table: error class -> (CLI exit code, HTTP status). 2 is a usage error (the question was asked
#: wrongly: fix the arguments); 1 is everything else. HTTP: 4xx for what the request caused, 5xx only for
#: a knowledge base or data store that is itself broken.
EDGE_TABLE: dict[type[AllegianceError], tuple[int, int]] = {
    AllegianceError: (1, 400),
    UsageError: (2, 400),
    DateError: (2, 400),
    UnknownStateError: (2, 404),
    UnknownIdError: (2, 404),
    RulesError: (2, 400),
    StatusError: (2, 400),
    PowerError: (2, 400),
    LimitError: (1, 422),
    VoteInputError: (1, 422),
    KnowledgeBaseError: (1, 503),
    DataError: (1, 503),
    DataImportError: (1, 422),
    DataMissingError: (1, 404),
}


def edge_of(exc: AllegianceError) -> tuple[int, int]:
    """(exit code, HTTP status) of an error: the entry of its most specific class in :data:`EDGE_TABLE`."""
    for cls in type(exc).__mro__:
        if cls in EDGE_TABLE:
            return EDGE_TABLE[cls]
    return EDGE_TABLE[AllegianceError]
