"""Personal fields are encrypted at rest under their own keys, rotated by a command, and still searchable."""

from __future__ import annotations

import importlib
from datetime import date
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from backoffice.roles import CALL_CENTRE_AGENT, GRIEVANCE_OFFICER, PROGRAMME_OFFICER
from encryption import keys
from encryption.columns import Table, rewrite, rotate_token
from grievances.models import CallbackRequest, Grievance, GrievanceEvent, contact_phone_is
from grievances.queries import search_cases
from grievances.services import record_callback_outcome, request_callback, transition
from portal.citizens import citizen_for_phone, grievances_of_user
from portal.models import ApplicationDraft
from registry.decisions import RefusalReason, decide
from registry.models import Application, ApplicationEvent, Person, ProgrammeApplication
from sms.inbound import IncomingSms, receive_sms
from sms.models import InboundMessage
from tests.backoffice_helpers import file_case, make_staff, submit_application

pytestmark = pytest.mark.django_db

OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()
# Words that must never be found in a raw row: each is written through the services below.
SECRETS = {
    "given name": "Zawadikamau",
    "family name": "Wanjirumwangi",
    "date of birth": "1951-04-17",
    "answer": "Mjiniblue",
    "description": "The chief kept my March payment",
    "note": "Spoke to the chief privately",
    "reply": "We are checking with the payment office",
    "resolution": "Paid in full on 3 May by the district",
    "decision": "Income above the limit for this household",
    "call-back note": "Caller asked about her grandson",
    "SMS words": "the clerk asked for a bribe",
    "contact phone": "+254733555777",
    "draft": "Nyamburawairimu",
}
TABLES = [
    "registry_person",
    "registry_application",
    "registry_programmeapplication",
    "registry_applicationevent",
    "grievances_grievance",
    "grievances_grievanceevent",
    "grievances_callbackrequest",
    "sms_inboundmessage",
    "portal_applicationdraft",
]


def _raw_text(table: str) -> str:
    """Every value of every row of ``table``, as the database holds it (SQL, not the ORM)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - a fixed table name
        return "\n".join(" | ".join(str(value) for value in row) for row in cursor.fetchall())


@pytest.fixture
def records(areas, programmes):
    """A person with an application, a decision, a complaint with a note, a reply and a resolution,
    a call-back with its outcome and a complaint by SMS — all through the services."""
    officer = make_staff("olive", GRIEVANCE_OFFICER)
    deciding = make_staff("petra", PROGRAMME_OFFICER)
    agent = make_staff("cara", CALL_CENTRE_AGENT)
    programmes["old-age-pension"].officers.add(deciding)
    application = submit_application(
        ["old-age-pension"],
        areas["mombasa"],
        given_name=SECRETS["given name"],
        family_name=SECRETS["family name"],
        birth_year=1951,
        date_of_birth=date.fromisoformat(SECRETS["date of birth"]),
        answers={"given_name": SECRETS["given name"], "village": SECRETS["answer"]},
    )
    pa = application.programme_applications.get()
    decide(
        pa, ProgrammeApplication.Status.NOT_ELIGIBLE, RefusalReason.INCOME_ABOVE_LIMIT, SECRETS["decision"], deciding
    )
    case = file_case(description=SECRETS["description"], phone=SECRETS["contact phone"])
    transition(case, "assign", officer, assignee=officer)
    transition(case, "note", officer, text=SECRETS["note"])
    transition(case, "reply", officer, text=SECRETS["reply"])
    transition(case, "resolve", officer, outcome=Grievance.Outcome.UPHELD, text=SECRETS["resolution"])
    callback, _new = request_callback(phone="+254733000111", reason="payment", channel="ussd", language="en")
    record_callback_outcome(callback, CallbackRequest.Status.DONE, SECRETS["call-back note"], agent)
    receive_sms(IncomingSms(provider_id="in-1", sender="+254733000222", text=f"COMPLAIN {SECRETS['SMS words']}"))
    ApplicationDraft.objects.create(
        user=citizen_for_phone("+254733000333"), data={"answers": {"given_name": SECRETS["draft"]}}
    )
    return SimpleNamespace(application=application, case=Grievance.objects.get(pk=case.pk), callback=callback)


def test_the_raw_rows_hold_no_description_note_name_or_date_of_birth_in_clear(records):
    raw = "\n".join(_raw_text(table) for table in TABLES)

    for what, secret in SECRETS.items():
        assert secret not in raw, f"the {what} is in clear"
    assert "1951" in _raw_text("registry_person")  # the year of birth stays in clear for age rules


def test_the_orm_reads_every_encrypted_field_back_as_written(records):
    person = Person.objects.get(pk=records.application.applicant_id)
    assert (person.given_name, person.family_name) == (SECRETS["given name"], SECRETS["family name"])
    assert person.date_of_birth == date.fromisoformat(SECRETS["date of birth"])
    assert Application.objects.get(pk=records.application.pk).answers["village"] == SECRETS["answer"]
    assert ProgrammeApplication.objects.get(application=records.application).decision_text == SECRETS["decision"]
    assert ApplicationEvent.objects.get(application=records.application, kind="status").message == SECRETS["decision"]
    case = records.case
    assert (case.description, case.resolution_text, case.contact_phone) == (
        SECRETS["description"],
        SECRETS["resolution"],
        SECRETS["contact phone"],
    )
    messages = set(GrievanceEvent.objects.filter(grievance=case).values_list("message", flat=True))
    assert {SECRETS["note"], SECRETS["reply"], SECRETS["resolution"]} <= messages
    assert CallbackRequest.objects.get(pk=records.callback.pk).outcome_note == SECRETS["call-back note"]
    assert SECRETS["SMS words"] in InboundMessage.objects.get(provider_id="in-1").text
    assert ApplicationDraft.objects.get().data == {"answers": {"given_name": SECRETS["draft"]}}


def test_an_encrypted_field_refuses_every_comparison_but_the_empty_one(records):
    with pytest.raises(FieldError, match="encrypted"):
        list(Grievance.objects.filter(contact_phone=SECRETS["contact phone"]))
    with pytest.raises(FieldError):
        list(Person.objects.filter(given_name__icontains="zawadi"))
    assert Grievance.objects.exclude(description="").filter(pk=records.case.pk).exists()


def test_a_case_is_found_by_its_contact_phone_and_reference_through_the_keyed_hash(records, settings):
    case = records.case
    assert case.contact_phone_hash == keys.keyed_hash(SECRETS["contact phone"])
    assert SECRETS["contact phone"] not in _raw_text("grievances_grievance")
    everything = Grievance.objects.all()
    assert list(search_cases(everything, "0733 555 777")) == [case]
    assert list(search_cases(everything, case.reference)) == [case]
    assert list(Grievance.objects.filter(contact_phone_is("+254733555778"))) == []

    case.contact_phone = "+254733555778"
    case.save(update_fields=["contact_phone"])  # the hash follows its phone even when only the phone is saved
    assert list(search_cases(everything, "0733 555 778")) == [case]
    assert list(search_cases(everything, "0733 555 777")) == []


def test_a_citizen_sees_the_cases_filed_from_their_phone(records):
    user = citizen_for_phone(SECRETS["contact phone"])
    assert records.case in grievances_of_user(user)


def test_rotation_re_encrypts_every_row_and_the_old_key_can_then_be_dropped(records, capsys):
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY, *keys.configured_keys()]):
        call_command("rotate_field_keys", "--batch-size", "2")  # everything now under OLD_KEY
        call_command("rotate_field_keys", "--check")
    before = {table: _raw_text(table) for table in TABLES}

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        with pytest.raises(CommandError, match="not under the current key"):
            call_command("rotate_field_keys", "--check")
        stale = capsys.readouterr().out
        assert "grievances.Grievance.description: 2 not under the current key" in stale  # web and SMS complaints
        call_command("rotate_field_keys", "--batch-size", "2")
        call_command("rotate_field_keys", "--check")
        assert "Every encrypted value is under the current key." in capsys.readouterr().out

    for table in TABLES:
        assert _raw_text(table) != before[table] or not _encrypted_values(table), table
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        test_the_orm_reads_every_encrypted_field_back_as_written(records)
        for table in TABLES:
            for token in _encrypted_values(table):
                assert keys.is_current(token)


def _encrypted_values(table: str) -> list[str]:
    """The non-empty values of the encrypted columns of ``table``."""
    from encryption.rotation import encrypted_tables

    found = []
    for described in encrypted_tables():
        if described.table != table:
            continue
        q = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(q(c) for c in described.columns)} FROM {q(table)}")  # noqa: S608
            found += [value for row in cursor.fetchall() for value in row if value not in (None, "")]
    return found


def test_a_value_made_under_a_dropped_key_fails_loudly_naming_the_field(records):
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY, *keys.configured_keys()]):
        call_command("rotate_field_keys")
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        with pytest.raises(keys.UndecryptableValue, match=r"grievances\.Grievance\.description"):
            Grievance.objects.get(pk=records.case.pk)
        with pytest.raises(CommandError):
            call_command("rotate_field_keys", "--check")
        with pytest.raises(keys.UndecryptableValue):
            call_command("rotate_field_keys")


def test_a_missing_or_broken_key_setting_is_refused(records):
    with override_settings(FIELD_ENCRYPTION_KEYS=[]):
        with pytest.raises(keys.ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
            Grievance.objects.get(pk=records.case.pk)
    with override_settings(FIELD_ENCRYPTION_KEYS=["not-a-key"]):
        with pytest.raises(keys.ImproperlyConfigured, match="not a Fernet key"):
            Grievance.objects.get(pk=records.case.pk)
    with override_settings(FIELD_HASH_KEY=""):
        with pytest.raises(keys.ImproperlyConfigured, match="FIELD_HASH_KEY"):
            keys.keyed_hash("+254733555777")


def test_the_data_migration_encrypts_rows_written_in_clear_and_can_be_reversed(records):
    case = records.case
    q = connection.ops.quote_name
    with connection.cursor() as cursor:  # as the rows were before the migration: clear, no hash
        cursor.execute(
            f"UPDATE {q('grievances_grievance')} SET {q('description')} = %s, {q('contact_phone')} = %s, "  # noqa: S608
            f"{q('contact_phone_hash')} = '' WHERE {q('id')} = %s",
            ["Clear words from before", "+254733555999", case.pk],
        )
    migration = importlib.import_module("grievances.migrations.0012_encrypt_personal_fields")
    editor = SimpleNamespace(connection=connection)

    migration.ENCRYPT(None, editor)
    migration.ENCRYPT(None, editor)  # run twice: tokens are not encrypted again

    raw = _raw_text("grievances_grievance")
    assert "Clear words from before" not in raw and "+254733555999" not in raw
    case.refresh_from_db()
    assert (case.description, case.contact_phone) == ("Clear words from before", "+254733555999")
    assert list(search_cases(Grievance.objects.all(), "0733 555 999")) == [case]

    migration.DECRYPT(None, editor)
    assert "Clear words from before" in _raw_text("grievances_grievance")
    migration.ENCRYPT(None, editor)


def test_rotation_leaves_values_already_under_the_current_key(records):
    table = Table("grievances.Grievance", "grievances_grievance", "id", ("description",))
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, keys.configured_keys()[0]]):
        assert rewrite(connection, table, rotate_token) == Grievance.objects.count() == 2
        assert rewrite(connection, table, rotate_token) == 0
