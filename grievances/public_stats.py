"""The public statistics snapshot: worked out nightly from the cases, read by the public pages.

``make_snapshot`` runs under a cache lock with a timeout (never two at once; a killed worker's
lock expires) and is idempotent: it writes one row per local day, replacing that day's row if it
runs again. The page and the open data files read ``latest_snapshot`` and never the case table.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from grievances.disclosure import rules_from_settings
from grievances.models import PublicStatsSnapshot
from grievances.public_periods import Periods, month_key, quarter_key
from grievances.public_queries import raw_figures
from grievances.public_tables import CURRENT_YEAR, LAST_12_MONTHS, build_tables

logger = logging.getLogger(__name__)

LOCK_KEY = "grievances:public-stats"
LOCK_SECONDS = 30 * 60
FORMAT_VERSION = 1


@dataclass(frozen=True)
class SnapshotResult:
    """What a run did: the day's snapshot, or that another run held the lock."""

    made_on: date | None
    skipped: bool = False


def make_snapshot(now: datetime | None = None) -> SnapshotResult:
    """Work out the published tables from the cases and store them as today's snapshot."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    if not cache.add(LOCK_KEY, token, LOCK_SECONDS):
        logger.info("Public statistics skipped: another run is working them out.")
        return SnapshotResult(None, skipped=True)
    try:
        made_on = timezone.localdate(now)
        data = snapshot_data(made_on, now)
        PublicStatsSnapshot.objects.update_or_create(
            made_on=made_on,
            defaults={"made_at": now, "figures_to": date.fromisoformat(data["figures_to"]), "data": data},
        )
        keep_from = made_on - timedelta(days=settings.STATS_KEEP_SNAPSHOT_DAYS)
        PublicStatsSnapshot.objects.filter(made_on__lt=keep_from).delete()
    finally:
        if cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)
    return SnapshotResult(made_on)


def snapshot_data(made_on: date, now: datetime) -> dict:
    """The published tables for a snapshot made on ``made_on``, with what the page needs to show them."""
    periods = Periods.for_day(made_on)
    rules = rules_from_settings()
    languages = [code for code, _name in settings.LANGUAGES]
    raw = raw_figures(periods, languages)
    return {
        "version": FORMAT_VERSION,
        "made_at": now.isoformat(),
        "figures_to": periods.figures_to.isoformat(),
        "rules": {"threshold": rules.threshold, "rate_min_base": rules.rate_min_base},
        "periods": {
            LAST_12_MONTHS: [month_key(m) for m in periods.months],
            CURRENT_YEAR: [month_key(m) for m in periods.this_year],
            "quarters": [quarter_key(q) for q in periods.quarters],
        },
        "regions": raw.regions,
        "tables": build_tables(raw, periods, rules),
    }


def latest_snapshot() -> PublicStatsSnapshot | None:
    """The newest snapshot, if any was made yet."""
    return PublicStatsSnapshot.objects.order_by("-made_on").first()
