"""Helpers for the volume generators (`manage.py generate_volume`): rows go to PostgreSQL by COPY.

Each app's generator yields plain tuples; `copy_rows` turns them into COPY's text format through a file-like
object that is filled on demand, so a million rows never sit in memory at once and no model is instantiated.

Benchmark tooling, not part of the running site: only `manage.py generate_volume` and the apps' own volume
packages (complaints/volume/, notices/volume/, reception/volume/) import it.
"""

import contextlib
import io
import random
import re
from bisect import bisect
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from itertools import accumulate

from django.db import connection

# COPY's text format: tab between columns, \N for NULL; these characters must be escaped inside a value.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]").search


def _text(value) -> str:
    if value.__class__ is str:
        # translate() is slow on non-ASCII text; most values have nothing to escape.
        return value.translate(_ESCAPES) if _NEEDS_ESCAPE(value) else value
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def row_line(row: Sequence) -> str:
    """One row in COPY's text format."""
    return "\t".join(map(_text, row)) + "\n"


class _LineReader(io.TextIOBase):
    """A read-only text file whose content is `lines` (COPY text, one row each), produced as COPY asks for it."""

    def __init__(self, lines: Iterable[str]):
        self._lines = iter(lines)
        self._buffer = ""
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        want = size if size and size > 0 else 1 << 20
        parts = [self._buffer]
        length = len(self._buffer)
        for line in self._lines:
            parts.append(line)
            length += len(line)
            self.count += 1
            if length >= want:
                break
        text = "".join(parts)
        self._buffer = text[want:]
        return text[:want]

    readline = read


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY `rows` (tuples of Python values) into `table` (PostgreSQL); returns the number of rows written."""
    return copy_lines(table, columns, map(row_line, rows))


def copy_lines(table: str, columns: Sequence[str], lines: Iterable[str]) -> int:
    """COPY rows already in COPY's text format (see `row_line`; the fast path for millions of rows)."""
    reader = _LineReader(lines)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN", reader, size=1 << 20)
    return reader.count


@contextlib.contextmanager
def bulk_load(*models):
    """Load `models`' tables the way pg_restore does: foreign keys, unique constraints and secondary indexes are
    dropped for the load and made again after it, each in one pass over the table (instead of an index update
    and a deferred foreign-key check per row). Primary keys and check constraints stay; so does everything else
    if the load fails (the transaction rolls back)."""
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        # Foreign-key checks still waiting for the end of this transaction (rows written just before, e.g. the
        # branches placed under the head office) are made now: PostgreSQL alters no table that has any pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u') ORDER BY contype DESC",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        quote = connection.ops.quote_name
        for table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        # Unique constraints first (ORDER BY contype DESC: 'u' before 'f'), then foreign keys.
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


def reset_sequence(model) -> None:
    """After rows were copied with explicit ids, the id sequence continues after the largest one."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))",  # noqa: S608
            [table],
        )


def next_id(model) -> int:
    """The first id free for copied rows (they carry explicit ids so that child rows can point at them)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")  # noqa: S608
        return cursor.fetchone()[0]


def weighted(rng: random.Random, weights: dict) -> Callable[[], object]:
    """A function drawing keys of `weights` with those relative weights (cumulative table, one bisect a draw)."""
    keys = list(weights)
    cumulative = list(accumulate(weights.values()))
    total = cumulative[-1]
    uniform = rng.random

    def draw():
        return keys[bisect(cumulative, uniform() * total)]

    return draw


def ensure_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise RuntimeError("generate_volume writes with PostgreSQL's COPY; point DATABASE_URL at PostgreSQL.")
