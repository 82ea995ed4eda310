"""The access log: who read, changed, exported or revealed personal data."""

from __future__ import annotations

from django.db import models

from grievances.models import AccessLog


def log_access(
    user,
    action: str,
    obj: models.Model | None = None,
    *,
    object_type: str = "",
    object_id: str = "",
    reason: str = "",
    records: int | None = None,
) -> AccessLog:
    """Record that ``user`` did ``action`` (view / change / export / reveal) on ``obj``.

    ``records`` says how many records a list or export showed, when the row stands for a list.
    """
    return AccessLog.objects.create(
        user=user,
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None else ""),
        reason=reason[:200],
        records=records,
    )


def log_partner_call(
    partner_code: str, action: str, endpoint: str, *, object_id: str = "", records: int | None = None
) -> AccessLog:
    """Record that a partner system called ``endpoint`` (and how many records it got back)."""
    return AccessLog.objects.create(
        user=None,
        partner=partner_code[:40],
        action=action,
        object_type=endpoint[:40],
        object_id=object_id[:99],
        records=records,
    )
