"""The retention table (``settings.RETENTION``) applied: each row's records past their time are
deleted or anonymised, in batches, and every run is recorded.

A row says *what* (its key), how long it is kept (``keep``: a number and a unit, counted from the
moment named by ``after``), *then* what happens (``delete`` or ``anonymise``) and which function
does it (``apply``, a dotted path, so that each app removes its own records). An applier is
called as ``apply(cutoff, batch_size)`` and returns how many records it changed; it only touches
records not yet done, so running the table twice changes nothing the second time.

``apply_retention`` runs under a lock (the cache, and on PostgreSQL an advisory lock as well) so
two workers never run it at once; a killed worker's cache lock expires.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from privacy.models import RetentionRun

logger = logging.getLogger(__name__)

LOCK_KEY = "privacy:retention"
LOCK_SECONDS = 2 * 60 * 60
ADVISORY_LOCK_ID = 0x4C414E47  # "LANG"
UNITS = ("minutes", "days", "years")
ACTIONS = ("delete", "anonymise")

# What each row of the table is, and why it is kept that long, in words the citizen reads
# (README, privacy notice, "my data").
DESCRIPTIONS = {
    "sign_in_codes": (
        _("Sign-in codes"),
        _("A code only proves you hold the phone, for a few minutes."),
    ),
    "sign_in_sms": (
        _("The text of the SMS that carried a sign-in code"),
        _("Only to show the message was sent."),
    ),
    "ussd_sessions": (
        _("How USSD sessions ended (no phone number)"),
        _("To see where people give up and make the menus better."),
    ),
    "inbound_sms": (
        _("The text and number of SMS you sent us"),
        _("To answer questions about a complaint while it can still be appealed."),
    ),
    "closed_cases": (
        _("Your name, phone and words in a closed complaint"),
        _("To deal with a late appeal or a question about the answer; the counts in the public statistics stay."),
    ),
    "access_logs": (
        _("The record of which staff read or changed your data"),
        _("So that every access stays accountable."),
    ),
    "withdrawn_applications": (
        _("The answers in an application you withdrew"),
        _("As long as the law of the country requires."),
    ),
}

AFTER = {
    "sent": _("after they are sent"),
    "expired": _("after they stop being valid"),
    "ended": _("after the session ends"),
    "case_closed": _("after the complaint they made is closed (or after they arrive if they made none)"),
    "closed": _("after the case is closed"),
    "made": _("after the access"),
    "withdrawn": _("after the withdrawal"),
}

THEN = {"delete": _("then deleted"), "anonymise": _("then anonymised")}


@dataclass(frozen=True)
class RetentionRule:
    """One row of the retention table."""

    what: str
    keep: int
    unit: str
    after: str
    then: str
    apply: str

    def cutoff(self, now: datetime) -> datetime:
        """The moment before which this row's records are past their time."""
        if self.unit == "minutes":
            return now - timedelta(minutes=self.keep)
        if self.unit == "days":
            return now - timedelta(days=self.keep)
        return now - relativedelta(years=self.keep)

    @property
    def label(self) -> str:
        return str(DESCRIPTIONS[self.what][0])

    @property
    def why(self) -> str:
        return str(DESCRIPTIONS[self.what][1])

    @property
    def period(self) -> str:
        """How long, in the active language ("30 minutes", "90 days", "2 years")."""
        if self.unit == "minutes":
            return ngettext("%(count)d minute", "%(count)d minutes", self.keep) % {"count": self.keep}
        if self.unit == "days":
            return ngettext("%(count)d day", "%(count)d days", self.keep) % {"count": self.keep}
        return ngettext("%(count)d year", "%(count)d years", self.keep) % {"count": self.keep}

    @property
    def after_label(self) -> str:
        return str(AFTER.get(self.after, ""))

    @property
    def then_label(self) -> str:
        return str(THEN[self.then])


def retention_table() -> list[RetentionRule]:
    """The rows of ``settings.RETENTION``, checked."""
    rules = []
    for row in settings.RETENTION:
        rule = RetentionRule(**row)
        if rule.what not in DESCRIPTIONS or rule.unit not in UNITS or rule.then not in ACTIONS or rule.keep < 0:
            raise ValueError(f"Bad retention row: {row!r}")
        rules.append(rule)
    return rules


def rule_for(what: str) -> RetentionRule:
    """The row of the table for ``what``."""
    return next(rule for rule in retention_table() if rule.what == what)


@dataclass(frozen=True)
class RetentionResult:
    """What a run did: records changed per row, or that another run held the lock."""

    counts: dict[str, int]
    skipped: bool = False


def apply_retention(now: datetime | None = None) -> RetentionResult:
    """Apply every row of the retention table once and record a ``RetentionRun`` per row."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    if not cache.add(LOCK_KEY, token, LOCK_SECONDS):
        logger.info("Retention skipped: another run holds the lock.")
        return RetentionResult({}, skipped=True)
    try:
        if not _advisory_lock():
            logger.info("Retention skipped: another run holds the database lock.")
            return RetentionResult({}, skipped=True)
        try:
            counts = {}
            batch_size = settings.RETENTION_BATCH_SIZE
            for rule in retention_table():
                counts[rule.what] = import_string(rule.apply)(rule.cutoff(now), batch_size)
                RetentionRun.objects.create(kind=rule.what, count=counts[rule.what], ran_at=now)
            return RetentionResult(counts)
        finally:
            _advisory_unlock()
    finally:
        if cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)


def _advisory_lock() -> bool:
    """On PostgreSQL, take the session advisory lock (the cache may be shared or lost); else yes."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_ID])
        return bool(cursor.fetchone()[0])


def _advisory_unlock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_ID])


def in_batches(queryset, batch_size: int):
    """Yield lists of ``batch_size`` primary keys of ``queryset``, walking up the keys once.

    Each batch is read afresh after the previous one was changed, so a long run holds no
    transaction open and a row the applier leaves alone is not read again.
    """
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        pks = list(page.values_list("pk", flat=True)[:batch_size])
        if not pks:
            return
        last = pks[-1]
        yield pks
