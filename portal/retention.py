"""The retention table's applier for sign-in codes (called by ``privacy.retention``)."""

from __future__ import annotations

from datetime import datetime

from portal.models import PhoneDevice
from privacy.retention import in_batches


def clear_sign_in_codes(cutoff: datetime, batch_size: int) -> int:
    """Forget the hash of every sign-in code that stopped being valid before ``cutoff``."""
    done = 0
    queryset = PhoneDevice.objects.filter(code_valid_until__lt=cutoff)
    for pks in in_batches(queryset, batch_size):
        done += PhoneDevice.objects.filter(pk__in=pks).update(code_hash="", code_valid_until=None, code_wrong_tries=0)
    return done
