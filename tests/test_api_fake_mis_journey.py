"""A programme's own system, over HTTP: it subscribes, hears of an application, enrols the person and pays them."""

from __future__ import annotations

import pytest

from api import tasks
from api.scopes import ENROLMENT_WRITE, PAYMENTS_WRITE, REGISTRY_SEARCH, REGISTRY_SUBSCRIBE
from registry.models import Payment, ProgrammeApplication
from sms.models import OutboundMessage
from tests.api_helpers import make_partner
from tests.backoffice_helpers import submit_application
from tests.fakes.fake_mis import FakeMis


# Serialized rollback, as the browser tests: the flush afterwards then leaves the migrations' rows to them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_fake_mis_enrols_and_pays_a_new_applicant_through_the_api(live_server, programmes, areas, monkeypatch):
    monkeypatch.setattr(tasks, "_start", lambda task, *args: task(*args))  # no worker runs here
    partner, client_id, secret = make_partner(
        "pension-mis",
        scopes=[REGISTRY_SEARCH, REGISTRY_SUBSCRIBE, ENROLMENT_WRITE, PAYMENTS_WRITE],
        programmes=[programmes["old-age-pension"]],
    )
    with FakeMis(live_server.url, client_id, secret, sender_id="pension-mis") as mis:
        partner.callback_base_url = mis.base_url
        partner.save()
        status, ack = mis.subscribe("REGISTER")
        assert (status, ack["message"]["ack_status"]) == (202, "ACK")
        assert mis.wait_for("on-subscribe")

        application = submit_application(["old-age-pension"], areas["kilifi"], phone="+254711000222")
        (notice,) = mis.wait_for("notify")
        record = notice.body["message"]["notify_event"][0]["data"]["reg_records"]
        assert record["group_identifier"][0]["identifier_value"] == application.reference

        pulled = [r["group_identifier"][0]["identifier_value"] for r in mis.pull_new_applications("old-age-pension")]
        assert pulled == [application.reference]
        status, answer = mis.decide(application.reference, "old-age-pension", "enrolled", reference_id="enrol-1")
        assert answer["message"]["enrolled_response"][0]["status"] == "succ"
        status, paid = mis.pay(application.reference, "old-age-pension", "sent", payment_id="pay-1")
        assert paid["results"][0]["result"] == "recorded"

    assert ProgrammeApplication.objects.get(application=application).status == "enrolled"
    assert Payment.objects.get().status == "sent"
    templates = set(OutboundMessage.objects.filter(to="+254711000222").values_list("template", flat=True))
    assert {"application_received", "application_enrolled", "payment_sent"} <= templates
