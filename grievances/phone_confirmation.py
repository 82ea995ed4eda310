"""A complaint filed without signing in names a phone: the phone joins the case only once its owner says so.

Anyone can type any number into the complaint form. So the number is kept aside
(``PhoneConfirmation``) and its owner gets one SMS with a link — no category, no detail, no
reference — asking whether the complaint is theirs. Confirmed, the number becomes the case's
contact phone (its account, tracking and news by SMS follow); declined or never answered, the case
stays with whoever holds its reference and PIN. A number gets at most ``MAX_SMS_PER_DAY`` such
SMS a day, however many complaints name it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from grievances import notifications
from grievances.models import Grievance, PhoneConfirmation
from registry.preferences import sms_language
from sms.outbox import enqueue

MAX_SMS_PER_DAY = 1
LINK_VALID_DAYS = 30
CONFIRM_PATH = "/confirm/"


def _hash(token: str) -> str:
    return hashlib.sha256(("phone-confirmation:" + settings.SECRET_KEY + ":" + token).encode()).hexdigest()


def confirmation_url(token: str, language: str) -> str:
    """The absolute address of the confirmation page in ``language`` (English has no prefix)."""
    prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{prefix}{CONFIRM_PATH}{token}/"


def ask_to_confirm(grievance: Grievance, phone: str) -> PhoneConfirmation:
    """Keep ``phone`` aside for ``grievance`` and text its owner the link, unless it had one today.

    Runs inside the filing transaction; the SMS is queued in it.
    """
    token = secrets.token_urlsafe(9)
    now = timezone.now()
    texted_today = PhoneConfirmation.objects.filter(phone=phone, sms_sent_at__gte=now - timedelta(days=1)).count()
    confirmation = PhoneConfirmation.objects.create(grievance=grievance, phone=phone, token_hash=_hash(token))
    if texted_today < MAX_SMS_PER_DAY:
        language = sms_language(phone, grievance.language or get_language())
        enqueue(
            phone,
            "confirm_phone",
            language,
            {"url": confirmation_url(token, language)},
            dedupe_key=f"confirm-phone:{grievance.pk}",
        )
        confirmation.sms_sent_at = now
        confirmation.save(update_fields=["sms_sent_at"])
    return confirmation


def waiting_for(token: str) -> PhoneConfirmation | None:
    """The confirmation a link's token opens, while it waits for an answer and has not expired."""
    if not token:
        return None
    confirmation = (
        PhoneConfirmation.objects.select_related("grievance")
        .filter(token_hash=_hash(token), confirmed_at__isnull=True, declined_at__isnull=True)
        .first()
    )
    if confirmation is None or timezone.now() > confirmation.created_at + timedelta(days=LINK_VALID_DAYS):
        return None
    return confirmation


def confirm(token: str) -> Grievance | None:
    """The phone's owner says the complaint is theirs: it joins their number, and they are told it was received."""
    with transaction.atomic():
        confirmation = waiting_for(token)
        if confirmation is None:
            return None
        confirmation = PhoneConfirmation.objects.select_for_update().get(pk=confirmation.pk)
        if confirmation.confirmed_at or confirmation.declined_at:
            return None
        confirmation.confirmed_at = timezone.now()
        confirmation.save(update_fields=["confirmed_at"])
        grievance = confirmation.grievance
        grievance.contact_phone = confirmation.phone
        grievance.save(update_fields=["contact_phone"])
        notifications.grievance_received(grievance)
    return grievance


def decline(token: str) -> bool:
    """The phone's owner says the complaint is not theirs: the number is never joined to it."""
    with transaction.atomic():
        confirmation = waiting_for(token)
        if confirmation is None:
            return False
        PhoneConfirmation.objects.filter(pk=confirmation.pk, confirmed_at__isnull=True).update(
            declined_at=timezone.now()
        )
    return True
