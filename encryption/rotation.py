"""Key rotation: every encrypted value re-made under the current key, and a check that none is left behind."""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.db import connections

from encryption import keys
from encryption.columns import Table, count, rewrite, rotate_token
from encryption.fields import encrypted_fields


def encrypted_tables() -> list[Table]:
    """Every table with encrypted columns, found from the installed models."""
    tables = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        fields = encrypted_fields(model)
        if fields:
            tables.append(Table(meta.label, meta.db_table, meta.pk.column, tuple(field.column for field in fields)))
    return sorted(tables, key=lambda table: table.label)


def rotate(
    *,
    batch_size: int = 1000,
    using: str = "default",
    tables: list[Table] | None = None,
    progress: Callable[[Table, int], None] | None = None,
) -> dict[str, int]:
    """Re-encrypt every value not under the current key; return the rows rewritten per table.

    Values already under the current key are left, so a run that stopped can simply be started again.
    """
    done = {}
    for table in encrypted_tables() if tables is None else tables:
        done[table.label] = rewrite(connections[using], table, rotate_token, batch_size=batch_size)
        if progress:
            progress(table, done[table.label])
    return done


def not_under_current_key(
    *, batch_size: int = 1000, using: str = "default", tables: list[Table] | None = None
) -> dict[str, int]:
    """How many stored values of each encrypted column (``label.column``) the current key does not open."""
    found = {}
    for table in encrypted_tables() if tables is None else tables:
        for column, number in count(
            connections[using], table, lambda token: not keys.is_current(token), batch_size=batch_size
        ).items():
            found[f"{table.label}.{column}"] = number
    return found
