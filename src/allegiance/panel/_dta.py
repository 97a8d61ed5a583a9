"""A Stata ``.dta`` writer (format 118, Stata 14 and later) for the panel's columns, column by column in NumPy.

pandas' ``to_stata`` gives every string of a strL column its (variable, observation) key in a Python loop over
the rows (``StataStrLWriter.generate_table`` builds a Series per row) and pads each fixed-width string in a
Python call: a state-day panel (4.5 million rows, three strL columns) took about ten minutes. This writer
lays out the same file, section by section as Stata's description of the format (``help dta``) orders them,
from each column's categories: a text column is encoded once per distinct value and the rows are taken by
their codes, and a strL is stored once, keyed by its first (row, column) as pandas keys it. For the frames the
panel writes, the bytes are pandas' own (a test compares them); pandas reads the file back.

Columns, by dtype:

- categorical named in ``labelled``: the category codes as a byte (int8; int16 past 100 categories), missing
  as Stata's ``.``, with a value label of the column's name giving each code its category;
- any other categorical, ``object`` or string column: text, ``str#`` (# = the longest value's UTF-8 bytes, at
  least 1, at most 2045), or ``strL`` where named in ``strl`` or longer than 2045 bytes; missing is ``""``;
- ``float64``: ``double``, NaN as ``.``; ``int8``/``int16``/``int32``: ``byte``/``int``/``long``;
- ``datetime64``: ``double`` in Stata's ``%tc`` (milliseconds since 1960-01-01), as pandas writes it.
"""

from __future__ import annotations

import re
import struct
from datetime import datetime
from pathlib import Path
import numpy as np

__all__ = ["write_dta"]

_VERSION = 118
_STR_MAX = 2045
_STRL = 32768
# type codes of format 117/118, and Stata's "." for each (the smallest of its missing values)
_NUMERIC = {np.dtype("float64"): (65526, "%10.0g", float(2.0 ** 1023)),
            np.dtype("int32"): (65528, "%12.0g", 2147483621),
            np.dtype("int16"): (65529, "%8.0g", 32741), np.dtype("int8"): (65530, "%8.0g", 101)}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_EPOCH_1960_MS = -315619200000  # 1960-01-01 in milliseconds since 1970-01-01
_MAP = ("stata_data", "map", "variable_types", "varnames", "sortlist", "formats", "value_label_names",
        "variable_labels", "characteristics", "data", "strls", "value_labels", "stata_data_close", "end-of-file")


# Stata's reserved names ([U] 11.3), which no variable may take; `str1`...`str2045` are reserved too
_RESERVED = frozenset({"_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long", "_n",
                       "_N", "_pi", "_pred", "_rc", "_skip", "strL", "using", "with"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}")


def _tag(name: str, body: bytes) -> bytes:
    return b"<" + name.encode() + b">" + body + b"</" + name.encode() + b">"


def _text(column) -> tuple[np.ndarray, list[str]]:
    """(codes, distinct values) of a text column; a missing value is the empty string, as pandas writes it."""
    import pandas as pd

    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy().astype(np.int64)
        used = np.bincount(codes[codes >= 0], minlength=len(column.cat.categories)) > 0
        # an unused category is no value of the column: it must not widen it
        values = [str(v) if u else "" for v, u in zip(column.cat.categories, used.tolist())]
    else:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        codes = codes.astype(np.int64)
        values = [str(v) for v in uniques]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(values), codes)
        values.append("")
    return codes, values


class _Column:
    """One column as Stata stores it: type code, display format, the data's NumPy dtype and values."""

    def __init__(self, name: str, typ: int, fmt: str, dtype: str, values: np.ndarray, label: list[str] | None = None):
        self.name, self.typ, self.fmt, self.dtype, self.values, self.label = name, typ, fmt, dtype, values, label


def _columns(df, labelled: set[str], strl: set[str]) -> tuple[list[_Column], list[tuple]]:
    import pandas as pd

    cols: list[_Column] = []
    texts: list[tuple[_Column, int, list, np.ndarray]] = []  # strL columns: (column, position, values, codes)
    for pos, name in enumerate(df.columns):
        if (not isinstance(name, str) or not _NAME.fullmatch(name) or name in _RESERVED
                or re.fullmatch(r"str[0-9]+", name)):
            raise ValueError(f"column {name!r} is no Stata variable name: 1-32 letters, digits or _, not starting "
                             f"with a digit, not one of Stata's reserved names")
        s = df[name]
        dt = s.dtype
        if isinstance(dt, pd.CategoricalDtype) and name in labelled:
            codes = s.cat.codes.to_numpy()
            kind = np.dtype(codes.dtype)
            if len(codes) and codes.max() >= _NUMERIC[kind][2]:  # a code that is Stata's "." in this type
                kind = {np.dtype("int8"): np.dtype("int16"), np.dtype("int16"): np.dtype("int32")}[kind]
            typ, fmt, missing = _NUMERIC[kind]
            codes = np.where(codes == -1, missing, codes).astype(kind)
            cols.append(_Column(name, typ, fmt, f"<{kind.char}" if kind.itemsize > 1 else "i1", codes,
                                [str(c) for c in s.cat.categories]))
        elif isinstance(dt, pd.CategoricalDtype) or dt == object or isinstance(dt, pd.StringDtype):
            codes, values = _text(s)
            encoded = [v.encode("utf-8") for v in values]
            width = max([len(b) for b in encoded] + [1])
            if name in strl or width > _STR_MAX:
                col = _Column(name, _STRL, "%9s", "<u8", codes)
                cols.append(col)
                texts.append((col, pos, values, codes))
            else:
                table = np.array(encoded, dtype=f"S{width}")
                cols.append(_Column(name, width, f"%{width}s", f"S{width}", table[codes]))
        elif isinstance(dt, np.dtype) and dt.kind == "M":
            ms = s.to_numpy().astype("datetime64[ms]").astype(np.int64)
            vals = (ms - _EPOCH_1960_MS).astype(np.float64)
            vals[s.isna().to_numpy()] = _NUMERIC[np.dtype("float64")][2]
            cols.append(_Column(name, 65526, "%tc", "<f8", vals))
        elif isinstance(dt, np.dtype) and dt in _NUMERIC:
            typ, fmt, missing = _NUMERIC[dt]
            vals = s.to_numpy()
            if dt.kind == "f":
                vals = np.where(np.isnan(vals), missing, vals)
            cols.append(_Column(name, typ, fmt, f"<{dt.char}" if dt.itemsize > 1 else "i1", vals))
        else:
            raise TypeError(f"column {name!r} of dtype {dt} has no Stata type here")
    return cols, texts


def _strls(texts: list[tuple[_Column, int, list, np.ndarray]], n: int) -> bytes:
    """Key every strL cell and return the <strls> body: each distinct string once, under the (variable,
    observation), both from 1, of its first cell in row order, then column order; "" is (0, 0)."""
    first: dict[str, tuple[int, int, int]] = {}  # string -> (row, order among strL columns, position)
    for k, (_col, pos, values, codes) in enumerate(texts):
        if not n:
            break
        present, rows = np.unique(codes, return_index=True)
        for code, row in zip(present.tolist(), rows.tolist()):
            v = values[code]
            if v and (v not in first or (row, k) < first[v][:2]):
                first[v] = (row, k, pos)
    keys = {v: (pos + 1) + ((row + 1) << 16) for v, (row, _k, pos) in first.items()}  # v in 2 bytes, o in 6
    for col, _pos, values, codes in texts:
        col.values = np.array([keys.get(v, 0) for v in values], dtype=np.uint64)[codes]
    out = []
    for v, (row, _k, pos) in sorted(first.items(), key=lambda kv: kv[1][:2]):
        b = v.encode("utf-8")
        out.append(b"GSO" + struct.pack("<IQBI", pos + 1, row + 1, 130, len(b) + 1) + b + b"\x00")
    return b"".join(out)


def _value_label(name: str, labels: list[str]) -> bytes:
    txt = [lb.encode("utf-8") for lb in labels]
    off = np.cumsum([0] + [len(t) + 1 for t in txt[:-1]]).astype("<i4") if txt else np.array([], "<i4")
    text = b"".join(t + b"\x00" for t in txt)
    body = (struct.pack("<ii", len(txt), len(text)) + off.tobytes() + np.arange(len(txt), dtype="<i4").tobytes()
            + text)
    return _tag("lbl", struct.pack("<i", len(body)) + name[:32].encode("utf-8").ljust(129, b"\x00") + b"\x00" * 3
                + body)


def write_dta(df, path: Path | str, *, labelled: set[str] | frozenset[str] = frozenset(),
              strl: set[str] | frozenset[str] = frozenset(), data_label: str = "",
              time_stamp: datetime | None = None) -> None:
    """Write ``df`` (its columns as the module docstring says) to ``path`` as Stata format 118.

    ``labelled``: categorical columns written as labelled integers; ``strl``: text columns stored as strL.
    """
    n = len(df)
    cols, texts = _columns(df, set(labelled), set(strl))
    strls = _strls(texts, n)
    ts = time_stamp or datetime.now()
    stamp = f"{ts:%d} {_MONTHS[ts.month - 1]} {ts:%Y %H:%M}".encode()
    label = data_label[:80].encode("utf-8")
    header = _tag("header", _tag("release", b"118") + _tag("byteorder", b"LSF")
                  + _tag("K", struct.pack("<H", len(cols))) + _tag("N", struct.pack("<Q", n))
                  + _tag("label", struct.pack("<H", len(label)) + label)
                  + _tag("timestamp", bytes([len(stamp)]) + stamp))
    head = {
        "variable_types": _tag("variable_types", struct.pack(f"<{len(cols)}H", *[c.typ for c in cols])),
        "varnames": _tag("varnames", b"".join(c.name[:32].encode("utf-8").ljust(129, b"\x00") for c in cols)),
        "sortlist": _tag("sortlist", b"\x00" * 2 * (len(cols) + 1)),
        "formats": _tag("formats", b"".join(c.fmt.encode().ljust(57, b"\x00") for c in cols)),
        "value_label_names": _tag("value_label_names", b"".join(
            (c.name[:32] if c.label is not None else "").encode("utf-8").ljust(129, b"\x00") for c in cols)),
        "variable_labels": _tag("variable_labels", b"\x00" * 321 * len(cols)),
        "characteristics": _tag("characteristics", b""),
    }
    record = np.dtype([(f"f{i}", c.dtype) for i, c in enumerate(cols)])
    offsets: dict[str, int] = {}
    with open(path, "wb") as fh:
        offsets["stata_data"] = fh.tell()
        fh.write(b"<stata_dta>" + header)
        offsets["map"] = fh.tell()
        fh.write(_tag("map", b"\x00" * 8 * len(_MAP)))
        for key, blob in head.items():
            offsets[key] = fh.tell()
            fh.write(blob)
        offsets["data"] = fh.tell()
        fh.write(b"<data>")
        step = max(1, (1 << 20) // max(record.itemsize, 1))  # about 1 MiB of rows at a time
        for lo in range(0, n, step):
            chunk = np.empty(min(step, n - lo), dtype=record)
            for i, c in enumerate(cols):
                chunk[f"f{i}"] = c.values[lo:lo + step]
            fh.write(chunk.tobytes())
        fh.write(b"</data>")
        offsets["strls"] = fh.tell()
        fh.write(_tag("strls", strls))
        offsets["value_labels"] = fh.tell()
        fh.write(_tag("value_labels", b"".join(_value_label(c.name, c.label) for c in cols if c.label is not None)))
        offsets["stata_data_close"] = fh.tell()
        fh.write(b"</stata_dta>")
        offsets["end-of-file"] = fh.tell()
        fh.seek(offsets["map"])
        fh.write(_tag("map", struct.pack(f"<{len(_MAP)}Q", *[offsets[k] for k in _MAP])))

