"""DCI social-registry search over Lango's registrations, scoped to what each partner may see."""

from __future__ import annotations

import pytest

from api.models import DciTransaction
from api.scopes import REGISTRY_PERSONAL, REGISTRY_SEARCH
from grievances.models import AccessLog
from tests.api_helpers import dci_body, make_partner, post_dci, search_message, token_for
from tests.backoffice_helpers import file_case, submit_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def registrations(programmes, areas):
    pension = submit_application(["old-age-pension"], areas["mombasa"], phone="+254712000001", national_id="12345678")
    child = submit_application(
        ["child-support-grant"], areas["westlands"], phone="+254712000002", birth_year=1990, given_name="Zawadi"
    )
    return {"pension": pension, "child": child}


def _search(client, token, query_type, query, **kwargs):
    response = post_dci(
        client, "registry/sync/search", dci_body("search", search_message(query_type, query, **kwargs)), token
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_a_sync_search_by_reference_returns_the_household_without_personal_details(client, registrations):
    _partner, client_id, secret = make_partner(scopes=[REGISTRY_SEARCH], every_programme=True)
    token = token_for(client, client_id, secret)

    body = _search(client, token, "idtype-value", {"type": "LANGO_REF", "value": registrations["pension"].reference})

    (item,) = body["message"]["search_response"]
    assert item["status"] == "succ"
    (record,) = item["data"]["reg_records"]
    assert record["group_identifier"][0]["identifier_value"] == registrations["pension"].reference
    assert record["district"] == "mombasa" and record["region"] == "coast"
    assert record["programmes"] == [{"programme": "old-age-pension", "status": "submitted"}]
    demographic = record["group_head_info"]["demographic_info"]
    assert "name" not in demographic and "phone_number" not in demographic
    assert body["header"]["action"] == "on-search"


def test_searching_by_national_id_needs_the_personal_scope(client, registrations):
    _partner, client_id, secret = make_partner(scopes=[REGISTRY_SEARCH], every_programme=True)
    token = token_for(client, client_id, secret)

    body = _search(client, token, "idtype-value", {"type": "NIN", "value": "12345678"})

    (item,) = body["message"]["search_response"]
    assert item["status"] == "rjct"
    assert "data" not in item


def test_a_partner_with_the_personal_scope_finds_a_person_by_national_id_through_its_keyed_hash(client, registrations):
    _partner, client_id, secret = make_partner(scopes=[REGISTRY_SEARCH, REGISTRY_PERSONAL], every_programme=True)
    token = token_for(client, client_id, secret)

    body = _search(client, token, "idtype-value", {"type": "NIN", "value": "1234 5678"})

    (record,) = body["message"]["search_response"][0]["data"]["reg_records"]
    assert record["group_head_info"]["demographic_info"]["name"]["given_name"] == "Amina"
    assert record["group_head_info"]["demographic_info"]["phone_number"] == "+254712000001"


def test_an_expression_finds_registrations_by_age_and_region(client, registrations):
    _partner, client_id, secret = make_partner(scopes=[REGISTRY_SEARCH], every_programme=True)
    token = token_for(client, client_id, secret)

    body = _search(
        client,
        token,
        "expression",
        {
            "expression": {
                "collection": "Group",
                "query": {"$and": [{"age": {"$ge": 60}}, {"region": {"$eq": "coast"}}]},
            }
        },
    )

    refs = [
        r["group_identifier"][0]["identifier_value"]
        for r in body["message"]["search_response"][0]["data"]["reg_records"]
    ]
    assert refs == [registrations["pension"].reference]


def test_a_predicate_finds_registrations_by_programme_or_household_size(client, registrations):
    _partner, client_id, secret = make_partner(scopes=[REGISTRY_SEARCH], every_programme=True)
    token = token_for(client, client_id, secret)
    predicate = [
        {
            "seq_num": 1,
            "expression1": {"attribute_name": "programme", "operator": "eq", "attribute_value": "child-support-grant"},
            "condition": "and",
            "expression2": {"attribute_name": "household_size", "operator": "ge", "attribute_value": "2"},
        }
    ]

    body = _search(client, token, "predicate", predicate)

    records = body["message"]["search_response"][0]["data"]["reg_records"]
    assert [r["group_identifier"][0]["identifier_value"] for r in records] == [registrations["child"].reference]


def test_an_unknown_attribute_is_refused_with_the_attributes_lango_holds(client, registrations):
    _partner, client_id, secret = make_partner(scopes=[REGISTRY_SEARCH], every_programme=True)
    token = token_for(client, client_id, secret)

    body = _search(client, token, "expression", {"poverty_score": {"$lt": 5}})

    item = body["message"]["search_response"][0]
    assert item["status"] == "rjct"
    assert "age" in item["status_reason_message"]


def test_a_programme_system_sees_only_the_applications_to_its_programmes(client, registrations, programmes):
    _partner, client_id, secret = make_partner(scopes=[REGISTRY_SEARCH], programmes=[programmes["child-support-grant"]])
    token = token_for(client, client_id, secret)

    body = _search(client, token, "expression", {"age": {"$ge": 0}})

    records = body["message"]["search_response"][0]["data"]["reg_records"]
    assert [r["group_identifier"][0]["identifier_value"] for r in records] == [registrations["child"].reference]


def test_pages_of_results_say_how_many_there_are(client, registrations):
    _partner, client_id, secret = make_partner(scopes=[REGISTRY_SEARCH], every_programme=True)
    token = token_for(client, client_id, secret)

    body = _search(client, token, "expression", {"age": {"$ge": 0}}, pagination={"page_size": 1, "page_number": 2})

    item = body["message"]["search_response"][0]
    assert item["pagination"] == {"page_size": 1, "page_number": 2, "total_count": 2}
    assert len(item["data"]["reg_records"]) == 1


def test_every_search_is_in_the_access_log_with_the_number_of_records(client, registrations):
    _partner, client_id, secret = make_partner("sr", scopes=[REGISTRY_SEARCH], every_programme=True)
    token = token_for(client, client_id, secret)

    _search(client, token, "expression", {"age": {"$ge": 0}})

    entry = AccessLog.objects.get(partner="sr")
    assert (entry.object_type, entry.records, entry.user_id) == ("dci.sync_search", 2, None)


def test_a_sensitive_complaint_never_leaves_through_a_search(client, registrations):
    case = file_case(category="sexual_exploitation", phone="+254712000001")
    _partner, client_id, secret = make_partner(scopes=[REGISTRY_SEARCH, REGISTRY_PERSONAL], every_programme=True)
    token = token_for(client, client_id, secret)

    body = _search(client, token, "idtype-value", {"type": "LANGO_REF", "value": case.reference})
    everything = _search(client, token, "idtype-value", {"type": "MOBILE", "value": "+254712000001"})

    assert body["message"]["search_response"][0]["data"]["reg_records"] == []
    text = str(everything)
    assert case.reference not in text and "sexual" not in text and "complaint" not in text.lower()


def test_a_search_is_kept_for_its_transaction_status(client, registrations):
    partner, client_id, secret = make_partner(scopes=[REGISTRY_SEARCH], every_programme=True)
    token = token_for(client, client_id, secret)
    message = search_message("expression", {"age": {"$ge": 0}}, transaction_id="t-kept")
    post_dci(client, "registry/sync/search", dci_body("search", message), token)

    status = post_dci(
        client,
        "registry/sync/txn/status",
        dci_body(
            "txn-status",
            {
                "transaction_id": "t-ask",
                "txnstatus_request": {
                    "reference_id": "q",
                    "txn_type": "search",
                    "attribute_type": "transaction_id",
                    "attribute_value": "t-kept",
                },
            },
        ),
        token,
    ).json()

    txn = status["message"]["txnstatus_response"]["txn_status"]
    assert txn["transaction_id"] == "t-kept"
    assert len(txn["search_response"][0]["data"]["reg_records"]) == 2
    assert DciTransaction.objects.filter(partner=partner, transaction_id="t-kept").exists()
