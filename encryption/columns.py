"""Encrypted columns read and rewritten in place, in batches, by raw SQL.

One helper for the data migrations that encrypt existing rows (or decrypt them when reversed) and
for key rotation: each batch is read under a row lock (PostgreSQL) in its own transaction, so a
request writing the same row waits rather than being overwritten, and a run stopped half-way can
be started again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from encryption import keys

# A change: the stored value (never None or "") -> the value to store, or None to leave it.
Change = Callable[[str, str], str | None]


@dataclass(frozen=True)
class Table:
    """A table's encrypted columns (and keyed-hash columns computed from the clear text of some)."""

    label: str
    table: str
    pk: str
    columns: tuple[str, ...]
    hashes: dict[str, str] = field(default_factory=dict)  # hash column -> the encrypted column it hashes


def _batches(connection: BaseDatabaseWrapper, table: Table, batch_size: int) -> Iterator[list[tuple]]:
    """Rows ``(pk, value, …)`` in primary-key order, ``batch_size`` at a time, each batch in a transaction."""
    q = connection.ops.quote_name
    columns = ", ".join(q(column) for column in table.columns)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    # Table and column names come from the models' own metadata, quoted; values are parameters.
    sql = (
        f"SELECT {q(table.pk)}, {columns} FROM {q(table.table)} WHERE {q(table.pk)} > %s "  # noqa: S608
        f"ORDER BY {q(table.pk)} LIMIT %s{lock}"
    )
    last = None
    while True:
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                if last is None:
                    cursor.execute(sql.replace(f"WHERE {q(table.pk)} > %s ", ""), [batch_size])
                else:
                    cursor.execute(sql, [last, batch_size])
                rows = cursor.fetchall()
            if not rows:
                return
            yield rows
        last = rows[-1][0]


def rewrite(
    connection: BaseDatabaseWrapper, table: Table, change: Change, *, batch_size: int = 1000, hashes: bool = False
) -> int:
    """Apply ``change`` to every stored value of ``table``'s columns; return how many rows changed.

    With ``hashes``, each hash column is set from the clear text of its column (``change`` must
    then turn clear text into tokens, as the data migrations do).
    """
    q = connection.ops.quote_name
    written = list(table.columns) + (list(table.hashes) if hashes else [])
    assignments = ", ".join(f"{q(column)} = %s" for column in written)
    update = f"UPDATE {q(table.table)} SET {assignments} WHERE {q(table.pk)} = %s"  # noqa: S608
    # PostgreSQL: one statement a batch, joining the new values in (the same columns, as parameters).
    names = ["pk", *(f"c{n}" for n in range(len(written)))]
    from_values = (
        f"UPDATE {q(table.table)} AS t SET "  # noqa: S608
        + ", ".join(f"{q(column)} = v.c{n}" for n, column in enumerate(written))
        + " FROM (VALUES {rows}) AS v("
        + ", ".join(names)
        + f") WHERE t.{q(table.pk)} = v.pk"
    )
    changed = 0
    for rows in _batches(connection, table, batch_size):
        updates = []
        for pk, *values in rows:
            clear = dict(zip(table.columns, values, strict=True)) if hashes else {}
            new_values = []
            touched = False
            for column, value in zip(table.columns, values, strict=True):
                new = change(f"{table.label}.{column}", value) if value not in (None, "") else None
                touched = touched or new is not None
                new_values.append(value if new is None else new)
            if hashes:
                new_values += [keys.keyed_hash(_clear_text(clear[source])) for source in table.hashes.values()]
                touched = touched or bool(table.hashes)
            if touched:
                updates.append([*new_values, pk])
        if updates:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    row = "(" + ", ".join(["%s"] * (len(written) + 1)) + ")"
                    sql = from_values.replace("{rows}", ", ".join([row] * len(updates)))
                    cursor.execute(sql, [value for values in updates for value in (values[-1], *values[:-1])])
                else:
                    cursor.executemany(update, updates)
            changed += len(updates)
    return changed


def count(
    connection: BaseDatabaseWrapper, table: Table, test: Callable[[str], bool], *, batch_size: int = 1000
) -> dict[str, int]:
    """How many stored values of each column pass ``test`` (values never None or "")."""
    found = dict.fromkeys(table.columns, 0)
    for rows in _batches(connection, table, batch_size):
        for _pk, *values in rows:
            for column, value in zip(table.columns, values, strict=True):
                if value not in (None, "") and test(value):
                    found[column] += 1
    return found


def _to_text(value) -> str:
    return value if isinstance(value, str) else str(value)


def _clear_text(value) -> str:
    """The clear text of a stored value, whether it is still clear or already a token."""
    if value in (None, ""):
        return ""
    text = _to_text(value)
    opened = keys.try_decrypt(text)
    return text if opened is None else opened


def encrypt_clear(where: str, value) -> str | None:
    """A clear value's token; a value that is already a token is left (a migration run twice)."""
    text = _to_text(value)
    return keys.encrypt(text) if keys.try_decrypt(text) is None else None


def decrypt_token(where: str, value) -> str | None:
    """The clear text of a token (a migration reversed)."""
    return keys.decrypt(_to_text(value), where=where)


def rotate_token(where: str, value) -> str | None:
    """The token re-made under the current key, or None when it already is."""
    text = _to_text(value)
    return None if keys.is_current(text) else keys.rotate(text, where=where)


def migration(tables: list[Table], *, batch_size: int = 1000):
    """``RunPython`` functions that encrypt ``tables``' clear values (and fill their hashes), and undo it."""

    def forward(apps, schema_editor) -> None:
        for table in tables:
            rewrite(schema_editor.connection, table, encrypt_clear, batch_size=batch_size, hashes=True)

    def backward(apps, schema_editor) -> None:
        for table in tables:
            rewrite(schema_editor.connection, table, decrypt_token, batch_size=batch_size)

    return forward, backward
