"""Bulk inserts whose rows are prepared before the write transaction begins.

On SQLite a write transaction locks the whole database (transaction_mode IMMEDIATE takes the
lock at BEGIN). ``bulk_create`` converts every value while the lock is held and, with SQLite's
999-parameter limit, sends tens of rows per statement; here the values are converted first,
outside any transaction, and the transaction only runs one ``executemany``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models


@dataclass(frozen=True)
class PreparedInsert:
    using: str
    sql: str
    rows: list[tuple[Any, ...]]

    def run(self) -> None:
        """Insert the rows (call inside the transaction that should hold them)."""
        if self.rows:
            with connections[self.using].cursor() as cursor:
                cursor.executemany(self.sql, self.rows)


def prepared_insert(
    model: type[models.Model], objs: Sequence[models.Model], *, using: str = DEFAULT_DB_ALIAS
) -> PreparedInsert:
    """The INSERT of ``objs`` with every value already converted for the database.

    For models whose primary key is set before saving (the UUIDs of BaseModel); like
    ``bulk_create`` it sends no signals and calls no ``save()``.
    """
    meta = model._meta
    if meta.pk is None or meta.pk.get_default() is None:
        raise ValueError(f"{meta.label}: the primary key must be set before inserting")
    connection = connections[using]
    fields = list(meta.concrete_fields)
    rows = [
        tuple(field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields)
        for obj in objs
    ]
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Identifiers come from the model and are quoted; values are bound parameters.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    return PreparedInsert(using=using, sql=sql, rows=rows)
