"""Citizens see their payments on the web, on USSD and by SMS, in every language; a complaint names its payment."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from grievances.models import Grievance
from registry.models import Payment, PaymentChannel, ProgrammeApplication
from registry.payments import PaymentReport, record_payment_event
from registry.preferences import set_phone_language
from sms.encoding import count_segments
from sms.keywords import KEYWORDS, PAYMENT
from sms.models import OutboundMessage
from sms.templates import max_parts
from tests.backoffice_helpers import make_staff, sign_in_verified
from tests.fakes.fake_at import inbound_fields
from tests.portal_helpers import PHONE, apply_as, sign_in, url
from ussd.testing import COMPLAINT, LANGUAGE_KEYS, MY_PAYMENTS, UssdPhone

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.fakes.fixtures"]
LANGUAGES = ["en", "fr", "sw", "ar"]
_ids = itertools.count(1)


@pytest.fixture
def paid(programmes, areas):
    """An enrolled pensioner with a pension payment sent."""
    from demo.areas_and_programmes import create_areas

    create_areas()
    application = apply_as(PHONE, ("old-age-pension",))
    pa = application.programme_applications.get()
    ProgrammeApplication.objects.filter(pk=pa.pk).update(status=ProgrammeApplication.Status.ENROLLED)
    record_payment_event(
        PaymentReport(
            source="payments",
            payment_id="p-77",
            event_id="e-77",
            application_reference=application.reference,
            programme_code="old-age-pension",
            status="sent",
            amount=Decimal("3000"),
            currency="KES",
            channel=PaymentChannel.MOBILE_MONEY,
            payment_date=date(2026, 12, 5),
            occurred_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
        )
    )
    return Payment.objects.get()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_payment_sent_sms_is_in_the_persons_language_within_its_budget(paid, language):
    set_phone_language(PHONE, language)
    OutboundMessage.objects.all().delete()
    paid.status = "scheduled"
    paid.save()
    record_payment_event(
        PaymentReport(
            "payments",
            "p-78",
            f"e-{language}",
            paid.programme_application.application.reference,
            "old-age-pension",
            "sent",
            Decimal("1500"),
            "KES",
            "bank",
            date(2026, 12, 6),
            datetime(2026, 12, 2, 9, tzinfo=UTC),
        )
    )

    (sms,) = OutboundMessage.objects.filter(template="payment_sent")
    assert sms.language == language and "KES 1,500" in sms.body and "06/12/2026" in sms.body
    assert count_segments(sms.body).parts <= max_parts(language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_web_account_page_lists_the_payments(client, paid, language):
    sign_in(client, language=language)

    page = client.get(url("account", language=language)).content.decode()

    assert "KES 3,000" in page
    with translation.override(language):
        assert str(Payment.Status.SENT.label) in page
        assert str(PaymentChannel.MOBILE_MONEY.label) in page
    assert 'id="payments"' in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_ussd_my_payments_shows_the_last_payment_per_programme(client, paid, language):
    phone = UssdPhone(client, phone=PHONE)
    phone.dial()
    if phone.screen_name == "language":
        phone.send(LANGUAGE_KEYS[language])

    screen = phone.send(MY_PAYMENTS)

    assert "KES 3,000" in screen and "05/12/2026" in screen
    with translation.override(language):
        assert str(Payment.Status.SENT.label) in screen


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_payment_keyword_answers_in_every_language(client, callback_token, paid, language):
    keyword = KEYWORDS[language][PAYMENT][0]
    message_id = f"ATXin_pay_{next(_ids)}"

    client.post(f"/sms/at/{callback_token}/inbound/", inbound_fields(PHONE, keyword, message_id))

    reply = OutboundMessage.objects.get(dedupe_key=f"sms-reply:{message_id}")
    assert reply.template == "payments_reply" and reply.language == language
    assert "KES 3,000" in reply.body
    assert count_segments(reply.body).parts <= max_parts(language)


def test_the_payment_keyword_from_a_phone_without_payments_says_so(client, callback_token, programmes, areas):
    client.post(f"/sms/at/{callback_token}/inbound/", inbound_fields("+254733000999", "MALIPO", "ATXin_none"))

    assert OutboundMessage.objects.get(dedupe_key="sms-reply:ATXin_none").template == "payments_none"


def test_a_web_complaint_about_a_missing_payment_names_the_payment(client, paid):
    sign_in(client)
    form = client.get(url("complain") + "?category=payment_not_received").content.decode()
    assert "KES 3,000" in form

    client.post(
        url("complain"),
        {"category": "payment_not_received", "description": "It never came.", "payment": str(paid.pk), "token": "t-1"},
    )

    case = Grievance.objects.get()
    assert case.related_payment == paid
    assert case.related_programme_application == paid.programme_application


def test_a_payment_can_be_named_only_for_a_payment_not_received(client, paid):
    sign_in(client)

    response = client.post(
        url("complain"),
        {"category": "other", "description": "Something else.", "payment": str(paid.pk), "token": "t-2"},
    )

    assert not Grievance.objects.exists()
    assert "payment not received" in response.content.decode()


def test_a_ussd_complaint_about_a_missing_payment_names_the_payment(client, paid):
    phone = UssdPhone(client, phone=PHONE)
    phone.dial()
    if phone.screen_name == "language":
        phone.send("1")
    phone.send(COMPLAINT)
    phone.send("1")  # payment not received
    assert phone.screen_name == "complaint_payment"

    phone.send("1")
    phone.send("The money never came")
    phone.send("1")  # send

    case = Grievance.objects.get()
    assert case.related_payment == paid and case.contact_phone == PHONE and not case.is_anonymous


def test_the_officer_sees_the_payment_on_the_case_page(client, paid):
    from grievances.services import file_grievance

    case = file_grievance(
        category="payment_not_received",
        description="Nothing came.",
        channel="web",
        language="en",
        phone=PHONE,
        related_payment=paid,
    ).grievance
    officer = make_staff("olive", "Grievance officer")
    sign_in_verified(client, officer)

    page = client.get(f"/admin/cases/{case.pk}/").content.decode()

    assert "The payment this complaint is about" in page
    assert "KES 3,000" in page and "p-77" in page
