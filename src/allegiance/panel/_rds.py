"""An R ``.rds`` writer (R's serialization format, version 3, gzip-compressed as ``saveRDS`` writes it) for the
panel's columns, column by column in NumPy.

pyreadr hands librdata one cell at a time (``insert_value`` per cell, after building a Python list of every
column), so a state-day panel of every state since 1946 (4.5 million rows, 35 columns) took minutes, and it
writes dates as text. This writer serializes the data frame as R does (R Internals, "Serialization
Formats"): a list (``VECSXP``) of column vectors with the attributes ``names``, ``class = "data.frame"`` and
the compact ``row.names = c(NA, -n)``; every vector's values in one big-endian array.

Columns, by dtype:

- categorical named in ``factors``: a factor (its categories as levels, in order; missing is ``NA``);
- any other categorical, ``object`` or string column: a character vector (missing is ``NA``);
- whole numbers (``int8``..``int32``, pandas' nullable ``Int8``..``Int32``): an integer vector, missing ``NA``;
- ``float64``: a double vector, NaN as R's ``NA``;
- ``datetime64`` of whole days: R's ``Date`` (days since 1970-01-01).
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np

__all__ = ["write_rds"]

# SEXP types and flags (R Internals, "Serialization Formats")
_NILVALUE, _SYM, _LIST, _CHAR, _INT, _REAL, _STR, _VEC, _REF = 254, 1, 2, 9, 13, 14, 16, 19, 255
_OBJECT, _ATTR, _TAG = 1 << 8, 1 << 9, 1 << 10
_UTF8, _ASCII = 1 << 3, 1 << 6  # a CHARSXP's encoding, in its "levels" (bits 12 on)
_NA_INT = -(2 ** 31)
_NA_REAL = struct.unpack(">d", struct.pack(">Q", 0x7FF00000000007A2))[0]  # NaN with 1954 in the low word
_R_VERSION = (4 << 16) | (2 << 8) | 0  # written by: R 4.2.0's format
_R_MIN = (3 << 16) | (5 << 8) | 0  # readable from R 3.5.0, the first to read format 3


def _int(*v: int) -> bytes:
    return struct.pack(f">{len(v)}i", *v)


def _char(s: str | None) -> bytes:
    """One CHARSXP: NA, or the string in UTF-8 marked ASCII or UTF-8."""
    if s is None:
        return _int(_CHAR, -1)
    b = s.encode("utf-8")
    return _int(_CHAR | ((_ASCII if b.isascii() else _UTF8) << 12), len(b)) + b


class _Out:
    """The stream, and the symbols already written (each written once, then referred to by its index)."""

    def __init__(self, fh) -> None:
        self.fh = fh
        self.symbols: dict[str, int] = {}

    def write(self, b: bytes) -> None:
        self.fh.write(b)

    def symbol(self, name: str) -> None:
        if name in self.symbols:
            self.write(_int((self.symbols[name] << 8) | _REF))
        else:
            self.symbols[name] = len(self.symbols) + 1
            self.write(_int(_SYM) + _char(name))

    def strings(self, values: list[str | None]) -> None:
        self.write(_int(_STR, len(values)) + b"".join(_char(v) for v in values))

    def attributes(self, pairs: list[tuple[str, object]]) -> None:
        """A pairlist of tagged attributes: each value a list of strings or an int32 array."""
        for name, value in pairs:
            self.write(_int(_LIST | _TAG))
            self.symbol(name)
            if isinstance(value, np.ndarray):
                self.write(_int(_INT, len(value)) + value.astype(">i4").tobytes())
            else:
                self.strings(value)
        self.write(_int(_NILVALUE))


def _text_column(out: _Out, s) -> None:
    import pandas as pd

    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = s.cat.codes.to_numpy()
        pieces = [_char(str(v)) for v in s.cat.categories] + [_char(None)]
    else:
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        pieces = [_char(str(v)) for v in uniques] + [_char(None)]
    out.write(_int(_STR, len(codes)))
    step = 1 << 18
    for lo in range(0, len(codes), step):  # each distinct value serialized once, the rows joined in C
        out.write(b"".join([pieces[c] for c in codes[lo:lo + step].tolist()]))


def _kind(name: str, s, factors: set[str]) -> str:
    """How a column is written (``factor``, ``text``, ``int``, ``real``, ``date``), or why it cannot be."""
    import pandas as pd

    dt = s.dtype
    if isinstance(dt, pd.CategoricalDtype) and name in factors:
        return "factor"
    if isinstance(dt, pd.CategoricalDtype) or dt == object or isinstance(dt, pd.StringDtype):
        return "text"
    if dt.kind in "iu" and dt.itemsize <= 4 and not (dt.kind == "u" and dt.itemsize == 4):
        return "int"  # numpy's or pandas' nullable whole numbers that fit R's 32-bit integers
    if isinstance(dt, np.dtype) and dt == np.float64:
        return "real"
    if isinstance(dt, np.dtype) and dt.kind == "M":
        days = s.to_numpy().astype("datetime64[D]")
        if (days.astype(dt) != s.to_numpy())[~np.isnat(days)].any():
            raise ValueError(f"column {name!r} has times of day; R's Date holds whole days")
        return "date"
    raise TypeError(f"column {name!r} of dtype {dt} has no R type here")


def _column(out: _Out, kind: str, s) -> None:
    if kind == "factor":
        codes = s.cat.codes.to_numpy().astype(np.int64)
        vals = np.where(codes < 0, _NA_INT, codes + 1)
        out.write(_int(_INT | _OBJECT | _ATTR, len(vals)) + vals.astype(">i4").tobytes())
        out.attributes([("levels", [str(c) for c in s.cat.categories]), ("class", ["factor"])])
    elif kind == "text":
        _text_column(out, s)
    elif kind == "int":
        na = s.isna().to_numpy()
        vals = s.to_numpy(dtype="int64", na_value=0) if na.any() else s.to_numpy().astype(np.int64)
        vals = np.where(na, _NA_INT, vals)
        out.write(_int(_INT, len(vals)) + vals.astype(">i4").tobytes())
    elif kind == "real":
        vals = s.to_numpy()
        out.write(_int(_REAL, len(vals)) + np.where(np.isnan(vals), _NA_REAL, vals).astype(">f8").tobytes())
    else:  # date
        days = s.to_numpy().astype("datetime64[D]")
        vals = np.where(np.isnat(days), _NA_REAL, days.astype(np.int64).astype(np.float64))
        out.write(_int(_REAL | _OBJECT | _ATTR, len(vals)) + vals.astype(">f8").tobytes())
        out.attributes([("class", ["Date"])])


def write_rds(df, path: Path | str, *, factors: set[str] | frozenset[str] = frozenset(),
              compresslevel: int = 6) -> None:
    """Write ``df`` (its columns as the module docstring says) to ``path`` as an R data frame, gzip-compressed
    at ``compresslevel`` (``saveRDS``'s is 6). ``factors``: categorical columns written as factors."""
    names = [str(c) for c in df.columns]
    kinds = [_kind(name, df[col], set(factors)) for name, col in zip(names, df.columns)]  # refused before writing
    with gzip.open(path, "wb", compresslevel=compresslevel) as fh:
        out = _Out(fh)
        enc = b"UTF-8"
        out.write(b"X\n" + _int(3, _R_VERSION, _R_MIN, len(enc)) + enc)
        out.write(_int(_VEC | _OBJECT | _ATTR, len(names)))
        for kind, col in zip(kinds, df.columns):
            _column(out, kind, df[col])
        out.attributes([("names", names), ("class", ["data.frame"]),
                        ("row.names", np.array([_NA_INT, -len(df)], dtype=np.int64))])
