"""Programme systems send their decisions through DCI enrolment updates: the registry's own rules apply."""

from __future__ import annotations

import uuid

import pytest

from api.scopes import ENROLMENT_READ, ENROLMENT_WRITE
from grievances.models import AccessLog
from registry.models import ApplicationEvent, ProgrammeApplication
from sms.models import OutboundMessage
from tests.api_helpers import dci_body, make_partner, post_dci, token_for
from tests.backoffice_helpers import submit_application

pytestmark = pytest.mark.django_db
UPDATES = "registry/sync/enrollment/updates"


@pytest.fixture
def pension_mis(client, programmes):
    partner, client_id, secret = make_partner(
        "pension-mis", scopes=[ENROLMENT_WRITE, ENROLMENT_READ], programmes=[programmes["old-age-pension"]]
    )
    return partner, token_for(client, client_id, secret)


def _update(
    reference: str, status: str, *, programme: str = "old-age-pension", reference_id: str | None = None, **extra
) -> dict:
    beneficiary = {
        "reference_id": reference_id or f"d-{uuid.uuid4().hex[:8]}",
        "application_reference": reference,
        "programme": programme,
        "status": status,
        **extra,
    }
    return dci_body("notify", {"transaction_id": "t-1", "enrolled_updates": {"beneficiaries": [beneficiary]}})


def _result(response) -> dict:
    assert response.status_code == 200, response.content
    (result,) = response.json()["message"]["enrolled_response"]
    return result


def test_an_enrolment_from_the_programme_system_enrols_the_person_and_tells_them(client, pension_mis, areas):
    _partner, token = pension_mis
    application = submit_application(["old-age-pension"], areas["mombasa"])

    result = _result(post_dci(client, UPDATES, _update(application.reference, "enrolled"), token))

    pa = ProgrammeApplication.objects.get(application=application)
    assert result["status"] == "succ"
    assert pa.status == "enrolled" and pa.decided_by is None
    assert ApplicationEvent.objects.get(programme_application=pa).source == "pension-mis"
    assert OutboundMessage.objects.filter(template="application_enrolled").count() == 1


def test_a_refusal_needs_a_reason_code_and_a_sentence_as_in_the_back_office(client, pension_mis, areas):
    _partner, token = pension_mis
    application = submit_application(["old-age-pension"], areas["mombasa"])

    bare = _result(post_dci(client, UPDATES, _update(application.reference, "not_eligible"), token))
    full = _result(
        post_dci(
            client,
            UPDATES,
            _update(application.reference, "not_eligible", reason_code="age_outside_range", reason="Born in 1990."),
            token,
        )
    )

    assert bare["status"] == "rjct" and "reason" in bare["status_reason_message"]
    assert full["status"] == "succ"
    pa = ProgrammeApplication.objects.get(application=application)
    assert (pa.status, pa.decision_reason_code) == ("not_eligible", "age_outside_range")
    sms = OutboundMessage.objects.get(template="application_not_eligible_reason")
    assert "/" in sms.body  # the appeal deadline, as the back-office decision gives it


def test_a_decision_that_arrives_twice_is_applied_once(client, pension_mis, areas):
    _partner, token = pension_mis
    application = submit_application(["old-age-pension"], areas["mombasa"])
    body = _update(application.reference, "waitlisted", reference_id="mis-42")

    first = _result(post_dci(client, UPDATES, body, token))
    again = _result(
        post_dci(client, UPDATES, _update(application.reference, "waitlisted", reference_id="mis-42"), token)
    )

    assert (first["status_reason_message"], again["status_reason_message"]) == ("Applied.", "Already applied.")
    assert ApplicationEvent.objects.filter(kind="status").count() == 1
    assert OutboundMessage.objects.filter(template="application_waitlisted").count() == 1


def test_a_programme_system_cannot_decide_for_another_programme(client, pension_mis, areas):
    _partner, token = pension_mis
    application = submit_application(["disability-grant"], areas["mombasa"])

    result = _result(
        post_dci(client, UPDATES, _update(application.reference, "enrolled", programme="disability-grant"), token)
    )

    assert result["status"] == "rjct"
    assert ProgrammeApplication.objects.get(application=application).status == "submitted"


def test_an_unknown_reference_is_refused_without_saying_whose_it_might_be(client, pension_mis):
    _partner, token = pension_mis

    result = _result(post_dci(client, UPDATES, _update("1000000001", "enrolled"), token))

    assert result["status"] == "rjct"


def test_each_batch_of_decisions_is_in_the_access_log(client, pension_mis, areas):
    _partner, token = pension_mis
    application = submit_application(["old-age-pension"], areas["mombasa"])

    post_dci(client, UPDATES, _update(application.reference, "enrolled"), token)

    entry = AccessLog.objects.get(partner="pension-mis")
    assert (entry.object_type, entry.action, entry.records) == ("dci.enrolment_updates", "change", 1)


def test_the_programme_system_can_ask_whether_a_person_is_enrolled(client, pension_mis, areas):
    _partner, token = pension_mis
    application = submit_application(["old-age-pension"], areas["mombasa"], national_id="A1234567")
    post_dci(client, UPDATES, _update(application.reference, "enrolled"), token)

    def ask(value):
        body = dci_body(
            "search",
            {
                "transaction_id": "t-e",
                "enrolled_criteria": {"query_type": "idtype-value", "query": {"type": "NIN", "value": value}},
            },
        )
        return post_dci(client, "registry/sync/enrolled", body, token).json()["message"]["enrolled_response"][0]

    assert ask("A1234567")["enrolled_status"] == "yes"
    assert ask("A1234567")["programmes"] == ["old-age-pension"]
    assert ask("Z9999999")["enrolled_status"] == "no"


def test_a_system_without_the_write_scope_cannot_send_decisions(client, programmes, areas):
    _partner, client_id, secret = make_partner("reader", scopes=[ENROLMENT_READ], every_programme=True)
    token = token_for(client, client_id, secret)
    application = submit_application(["old-age-pension"], areas["mombasa"])

    response = post_dci(client, UPDATES, _update(application.reference, "enrolled"), token)

    assert response.status_code == 403
    assert ProgrammeApplication.objects.get(application=application).status == "submitted"
