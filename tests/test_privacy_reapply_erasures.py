"""An erasure survives a restore: the erasure log, kept apart from the backups, is applied again."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from grievances.models import Grievance
from privacy.anonymise import anonymise_person
from privacy.models import Anonymisation
from registry.models import Application, Person
from tests.backoffice_helpers import file_case, submit_application

pytestmark = pytest.mark.django_db

BACKED_UP_APPS = ["registry", "grievances", "privacy"]


def _backup(tmp_path):
    """A copy of the rows, as ``pg_dump`` would take it (here with ``dumpdata``)."""
    path = tmp_path / "backup.json"
    call_command("dumpdata", *BACKED_UP_APPS, output=str(path), verbosity=0)
    return path


def _restore(path) -> None:
    """Put the backed-up rows back; rows made since the backup (the erasure log table) are gone."""
    Anonymisation.objects.all().delete()
    call_command("loaddata", str(path), verbosity=0)


def _reapply(**options) -> str:
    out = StringIO()
    call_command("reapply_erasures", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def erased_after_backup(tmp_path, programmes, areas, django_capture_on_commit_callbacks):
    log = tmp_path / "erasures.jsonl"
    with override_settings(ERASURE_LOG_FILE=str(log)):
        application = submit_application(["old-age-pension"], areas["kilifi"], given_name="Zawadi")
        person = application.applicant
        case = file_case(complainant=person, description="Zawadi's payment did not come.")
        backup = _backup(tmp_path)
        with django_capture_on_commit_callbacks(execute=True):
            anonymise_person(person.pk, Anonymisation.Reason.ERASURE, request_reference="G-ERASE1")
        yield {"log": log, "backup": backup, "person": person, "case": case, "application": application}


def test_an_erasure_made_after_the_backup_is_applied_again_after_the_backup_is_restored(erased_after_backup):
    data = erased_after_backup
    _restore(data["backup"])
    assert Person.objects.get(pk=data["person"].pk).given_name == "Zawadi"  # the restore brought it back

    with override_settings(ERASURE_LOG_FILE=str(data["log"])):
        output = _reapply()

    person = Person.objects.get(pk=data["person"].pk)
    assert (person.given_name, person.phone, person.user_id) == ("", "", None)
    case = Grievance.objects.get(pk=data["case"].pk)
    assert (case.description, case.complainant_id, case.contact_phone) == ("", None, "")
    assert case.category == "payment_not_received"
    assert Application.objects.get(pk=data["application"].pk).answers == {}
    assert Anonymisation.objects.filter(kind="person", object_id=person.pk, request_reference="G-ERASE1").exists()
    assert "anonymised again" in output


def test_applying_the_erasure_log_twice_changes_nothing_the_second_time_and_the_log_does_not_grow(
    erased_after_backup,
):
    data = erased_after_backup
    lines_before = data["log"].read_text().splitlines()
    _restore(data["backup"])
    with override_settings(ERASURE_LOG_FILE=str(data["log"])):
        _reapply()
        rows = sorted(Anonymisation.objects.values_list("kind", "object_id", "done_at"))
        _reapply()

    assert sorted(Anonymisation.objects.values_list("kind", "object_id", "done_at")) == rows
    assert data["log"].read_text().splitlines() == lines_before
    kinds = {json.loads(line)["kind"] for line in lines_before}
    assert kinds == {"person", "grievance", "application"}


def test_the_erasure_log_can_be_read_from_a_file_named_on_the_command_line(erased_after_backup):
    data = erased_after_backup
    _restore(data["backup"])

    _reapply(file=str(data["log"]))

    assert Person.objects.get(pk=data["person"].pk).given_name == ""


def test_a_dry_run_says_how_many_erasures_the_log_holds_and_changes_nothing(erased_after_backup):
    data = erased_after_backup
    _restore(data["backup"])

    output = _reapply(file=str(data["log"]), dry_run=True)

    assert "3 anonymisations" in output
    assert Person.objects.get(pk=data["person"].pk).given_name == "Zawadi"
