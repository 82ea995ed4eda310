"""SMS follow the language the person last chose for their phone, on any channel."""

from __future__ import annotations

import pytest

from backoffice.roles import PROGRAMME_OFFICER
from registry.decisions import RefusalReason, decide
from registry.preferences import set_phone_language
from sms.models import OutboundMessage
from tests.backoffice_helpers import make_staff
from tests.domain_helpers import submit

pytestmark = pytest.mark.django_db


def test_a_decision_sms_is_written_in_the_language_chosen_after_applying(programmes, areas):
    application = submit(areas["mombasa"], ["old-age-pension"], language="en").application
    set_phone_language(application.applicant.phone, "sw")
    officer = make_staff("decider", PROGRAMME_OFFICER, superuser=True)
    pa = application.programme_applications.get()
    decide(pa, "not_eligible", RefusalReason.values[0], "Umri haujafika miaka 65.", officer)
    message = OutboundMessage.objects.exclude(template="application_received").get()
    assert message.language == "sw"


def test_without_a_choice_the_language_of_the_application_is_kept(programmes, areas):
    submit(areas["mombasa"], ["old-age-pension"], language="fr")
    assert OutboundMessage.objects.get().language == "fr"


def test_an_arabic_sms_lists_programmes_with_the_arabic_comma(programmes, areas):
    submit(areas["mombasa"], ["old-age-pension", "emergency-cash"], language="ar")
    body = OutboundMessage.objects.get().body
    assert "، " in body and ", " not in body


def test_a_language_chosen_on_any_channel_becomes_the_applicants_language(programmes, areas):
    application = submit(areas["mombasa"], ["old-age-pension"], language="en").application
    set_phone_language(application.applicant.phone, "ar")  # what USSD and the SMS keyword call
    application.applicant.refresh_from_db()
    assert application.applicant.preferred_language == "ar"
