"""Rows written with PostgreSQL's COPY, for demo.writers.

COPY sends a batch of rows as one stream of text that the server reads without parsing SQL,
binding parameters or planning: for large rows it is the cheapest way in. The columns come from
the model (its concrete fields that are not generated), so a field added later is written with
its default; columns the database computes itself (generated columns, identity keys not given)
are left to it.
"""

import io
import json
from datetime import date, datetime, time
from decimal import Decimal

from django.db import models

# PostgreSQL's text format: tab between columns, newline between rows, \N for NULL, and a
# backslash before each of these characters inside a value.
NULL = "\\N"
MISSING = object()


def copy_text(value):
    """Return `value` in COPY's text format."""
    if value is None:
        return NULL
    kind = type(value)
    if kind is str:
        return escape(value)
    if kind is bool:
        return "t" if value else "f"
    if kind is int or kind is Decimal or kind is float:
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return copy_text(value.pk)
    if isinstance(value, dict | list):
        return escape(json.dumps(value))
    if isinstance(value, str):  # lazy or subclassed strings
        return escape(str(value))
    raise TypeError(f"No COPY text for {value!r}.")


def escape(text):
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if "\t" in text:
        text = text.replace("\t", "\\t")
    if "\n" in text:
        text = text.replace("\n", "\\n")
    if "\r" in text:
        text = text.replace("\r", "\\r")
    return text


class CopyTable:
    """The rows of one model's table in COPY's text format.

    A row is a dict of values by field name (or attname; a related object stands for its key).
    A field missing from a row gets the model's default, computed once; the primary key is left
    to the database unless `with_pk`.
    """

    def __init__(self, model, with_pk=False):
        opts = model._meta
        template = model()
        self.table = opts.db_table
        self.columns, self.fields = [], []
        for field in opts.concrete_fields:
            if getattr(field, "generated", False) or (field.primary_key and not with_pk):
                continue
            default = copy_text(field.get_prep_value(field.value_from_object(template)))
            self.columns.append(field.column)
            self.fields.append((field.name, field.attname, default))

    def line(self, row):
        """Return one row in COPY's text format, without its newline."""
        get = row.get
        return "\t".join(
            [
                copy_text(value)
                if (value := get(name, MISSING)) is not MISSING
                or (value := get(attname, MISSING)) is not MISSING
                else default
                for name, attname, default in self.fields
            ]
        )

    def data(self, rows):
        """Return the COPY stream of `rows`, as bytes."""
        return "".join(f"{self.line(row)}\n" for row in rows).encode()

    def copy(self, cursor, data, extra=()):
        """Send `data` (from data(), or lines joined) to the table with COPY; `extra` names
        columns that are not model fields, whose text each line carries after the fields'."""
        copy(cursor, self.table, [*self.columns, *extra], data)


def copy(cursor, table, columns, data):
    """COPY `data` (bytes in the text format) into `table`'s `columns`."""
    if not data:
        return
    quote = cursor.db.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with cursor.db.wrap_database_errors:
        # The buffer size goes by position: Django's debug cursor takes no keyword here.
        cursor.copy_expert(sql, io.BytesIO(data), 1 << 20)
