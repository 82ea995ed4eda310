"""The retention table's applier for USSD session summaries (called by ``privacy.retention``)."""

from __future__ import annotations

from datetime import datetime

from privacy.retention import in_batches
from ussd.models import UssdSessionSummary


def delete_session_summaries(cutoff: datetime, batch_size: int) -> int:
    """Delete the summaries of sessions that ended before ``cutoff``."""
    done = 0
    for pks in in_batches(UssdSessionSummary.objects.filter(ended_at__lt=cutoff), batch_size):
        done += UssdSessionSummary.objects.filter(pk__in=pks).delete()[0]
    return done
