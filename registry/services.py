"""Registry services: the only code that creates applications or changes their status."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry import events
from registry.digits import ascii_digits
from registry.eligibility import ScreeningAnswers, screen_programme
from registry.models import (
    AdminArea,
    Application,
    ApplicationEvent,
    Consent,
    Household,
    Person,
    Programme,
    ProgrammeApplication,
)
from registry.phones import normalise_phone
from registry.references import ReferenceKind, new_reference
from registry.validators import children_message, most_children_under_18, name_is_plausible, name_message


class ApplicationError(ValidationError):
    """An application cannot be submitted or changed as asked; the message is for the person."""


@dataclass(frozen=True)
class ApplicantDetails:
    """Who is applying. ``national_id`` is optional and never stored in clear."""

    given_name: str
    family_name: str
    sex: str
    phone: str
    birth_year: int
    date_of_birth: date | None = None
    national_id: str = ""


@dataclass(frozen=True)
class HouseholdDetails:
    """The applicant's household as they describe it."""

    size: int
    children_under_5: int
    children_under_18: int
    members_with_disability: int
    income_band: int
    area_id: int


@dataclass
class SubmissionResult:
    """What a submission led to.

    ``application`` is the new application (or the one already made with the same idempotency key),
    or ``None`` when the person already had an open application to every chosen programme.
    ``references`` maps every chosen programme's code to the reference that now covers it, and
    ``already_open`` lists the codes that were covered by an earlier application.
    """

    application: Application | None
    references: dict[str, str] = field(default_factory=dict)
    already_open: list[str] = field(default_factory=list)
    created: bool = False


def _id_characters(raw: str) -> str:
    """The letters and digits of a typed ID, every digit as 0-9 (full-width, Eastern Arabic …)."""
    return "".join(ch for ch in ascii_digits(unicodedata.normalize("NFKC", raw or "")) if ch.isalnum())


def hash_national_id(national_id: str) -> str:
    """Return the keyed hash of a national ID (digits and letters only, case-insensitive)."""
    cleaned = _id_characters(national_id).upper()
    return hmac.new(settings.NATIONAL_ID_HASH_KEY.encode(), cleaned.encode(), hashlib.sha256).hexdigest()


# National ID numbers are 5 to 20 letters and digits once the spaces and dashes are gone.
MIN_NATIONAL_ID_LENGTH = 5
MAX_NATIONAL_ID_LENGTH = 20


def national_id_length_ok(cleaned: str) -> bool:
    """Tell whether a cleaned national ID (``""``: none) is ASCII letters and digits of a plausible length."""
    return not cleaned or (cleaned.isascii() and MIN_NATIONAL_ID_LENGTH <= len(cleaned) <= MAX_NATIONAL_ID_LENGTH)


def clean_national_id(raw: str) -> str:
    """Strip spaces and dashes, digits as 0-9; ``0`` or blank means the person has none."""
    cleaned = _id_characters(raw)
    return "" if cleaned in {"", "0"} else cleaned


def name_key(given_name: str, family_name: str) -> str:
    """A name folded for comparison: case, accents and spacing do not matter."""
    text = unicodedata.normalize("NFKD", f"{given_name} {family_name}")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


def _lock_identity(key: str) -> None:
    """Serialise concurrent submissions for one identity (PostgreSQL; SQLite serialises writes)."""
    if connection.vendor == "postgresql":
        lock_id = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def find_same_person(details: ApplicantDetails, national_id_hash: str) -> list[Person]:
    """People who are the applicant: same national-ID hash, or same phone, name and birth year."""
    query = Q(phone=details.phone, birth_year=details.birth_year)
    candidates = list(
        Person.objects.filter(query | Q(national_id_hash=national_id_hash) if national_id_hash else query)
    )
    wanted = name_key(details.given_name, details.family_name)
    matches = []
    for person in candidates:
        if national_id_hash and person.national_id_hash == national_id_hash:
            matches.append(person)
        elif name_key(person.given_name, person.family_name) == wanted and (
            not details.date_of_birth or not person.date_of_birth or details.date_of_birth == person.date_of_birth
        ):
            matches.append(person)
    return matches


def _national_id_held_by_another_phone(people: list[Person], nid_hash: str, phone: str) -> bool:
    """Whether the national ID belongs to someone registered with a different phone.

    Going on would tell a stranger who typed that ID the owner's references, or file in their name.
    """
    return bool(nid_hash) and any(p.national_id_hash == nid_hash and p.phone != phone for p in people)


def open_requests_of(people: list[Person], programmes: list[Programme]) -> dict[str, ProgrammeApplication]:
    """Open programme applications of these people to these programmes, by programme code."""
    if not people:
        return {}
    found = (
        ProgrammeApplication.objects.filter(
            application__applicant__in=people,
            programme__in=programmes,
            status__in=ProgrammeApplication.OPEN_STATUSES,
        )
        .select_related("application", "programme")
        .order_by("application__submitted_at")
    )
    return {pa.programme.code: pa for pa in found}


REFERENCE_ATTEMPTS = 20


def _insert_with_new_reference(application: Application) -> bool:
    """Insert ``application`` under a fresh random reference; ``False`` if its idempotency key is taken.

    The unique constraint, not a read first, finds a reference already in use (rare in a space of
    10^8, but not at national scale): the insert is retried in a savepoint with another one.
    """
    for _attempt in range(REFERENCE_ATTEMPTS):
        application.reference = new_reference(ReferenceKind.APPLICATION)
        try:
            with transaction.atomic():
                application.save(force_insert=True)
            return True
        except IntegrityError:
            application.pk = None
            if application.idempotency_key and (
                Application.objects.filter(idempotency_key=application.idempotency_key).exists()
            ):
                return False
            if not Application.objects.filter(reference=application.reference).exists():
                raise  # another constraint failed: not ours to hide
    raise RuntimeError("Could not find a free reference.")  # practically unreachable


def old_enough_to_apply(birth_year: int, date_of_birth: date | None = None) -> bool:
    """Tell whether a person born then may apply in their own name (``settings.APPLICANT_MIN_AGE``).

    With the year alone the person is given the benefit of the doubt: their age this year counts.
    """
    today = timezone.localdate()
    if date_of_birth is not None:
        had_birthday = (today.month, today.day) >= (date_of_birth.month, date_of_birth.day)
        return today.year - date_of_birth.year - (0 if had_birthday else 1) >= settings.APPLICANT_MIN_AGE
    return today.year - birth_year >= settings.APPLICANT_MIN_AGE


def too_young_message() -> str:
    """What a person too young to apply is told, with what they can do instead."""
    return _(
        "Applicants must be %(age)s or older. An adult in your household can apply for you, or ask us to call you back."
    ) % {"age": settings.APPLICANT_MIN_AGE}


def national_id_length_message() -> str:
    """What a person who typed a national ID of an impossible length is told."""
    return _("A national ID number has %(low)s to %(high)s letters and numbers. Leave it empty if you have none.") % {
        "low": MIN_NATIONAL_ID_LENGTH,
        "high": MAX_NATIONAL_ID_LENGTH,
    }


def _validate(details: ApplicantDetails, household: HouseholdDetails, programmes: list[Programme]) -> None:
    if not details.given_name.strip():
        raise ApplicationError(_("Enter your first name."), code="name")
    if not name_is_plausible(details.given_name) or (
        details.family_name and not name_is_plausible(details.family_name)
    ):
        raise ApplicationError(name_message(), code="name")
    this_year = timezone.localdate().year
    if not (this_year - 120 <= details.birth_year <= this_year):
        raise ApplicationError(
            _("Enter a year of birth between %(low)s and %(high)s.") % {"low": this_year - 120, "high": this_year},
            code="birth_year",
        )
    if not old_enough_to_apply(details.birth_year, details.date_of_birth):
        raise ApplicationError(too_young_message(), code="too_young")
    if not national_id_length_ok(details.national_id):
        raise ApplicationError(national_id_length_message(), code="national_id")
    if household.size < 1 or household.size > 50:
        raise ApplicationError(_("Enter the number of people in your household, from 1 to 50."), code="size")
    if household.children_under_18 > most_children_under_18(household.size):
        raise ApplicationError(children_message(household.size), code="children")
    if household.children_under_5 > household.children_under_18:
        raise ApplicationError(_("The numbers of children do not add up. Check them."), code="children")
    if household.members_with_disability > household.size:
        raise ApplicationError(
            _("More people with a disability than in the household. Check the numbers."), code="disability"
        )
    if not programmes:
        raise ApplicationError(_("Choose at least one programme."), code="programmes")
    closed = [p for p in programmes if not p.is_open]
    if closed:
        raise ApplicationError(_("A programme you chose is closed for applications."), code="closed")


def submit_application(
    *,
    applicant: ApplicantDetails,
    household: HouseholdDetails,
    programme_codes: list[str],
    channel: str,
    language: str,
    consent_given: bool,
    idempotency_key: str | None = None,
    answers: dict | None = None,
    submitted_by=None,
) -> SubmissionResult:
    """Create one application with one programme application per chosen programme, atomically.

    The same ``idempotency_key`` always returns the same application and creates nothing new. A
    person who already has an open application to a chosen programme gets its reference instead
    of a duplicate. Consent must have been given; it is recorded with its version and channel.
    """
    if not consent_given:
        raise ApplicationError(_("We need your consent to process your application."), code="consent")
    applicant = ApplicantDetails(
        given_name=" ".join(applicant.given_name.split())[:60],
        family_name=" ".join(applicant.family_name.split())[:60],
        sex=applicant.sex,
        phone=normalise_phone(applicant.phone),
        birth_year=int(applicant.birth_year),
        date_of_birth=applicant.date_of_birth,
        national_id=clean_national_id(applicant.national_id),
    )
    codes = list(dict.fromkeys(programme_codes))
    programmes = list(Programme.objects.filter(code__in=codes).prefetch_related("names", "areas"))
    if len(programmes) != len(codes):
        raise ApplicationError(_("A programme you chose does not exist."), code="programmes")
    _validate(applicant, household, programmes)
    area = AdminArea.objects.filter(pk=household.area_id, level=AdminArea.Level.DISTRICT).first()
    if area is None:
        raise ApplicationError(_("Choose your district."), code="area")

    nid_hash = hash_national_id(applicant.national_id) if applicant.national_id else ""
    with transaction.atomic():
        _lock_identity(nid_hash or f"{applicant.phone}:{name_key(applicant.given_name, applicant.family_name)}")
        if idempotency_key:
            existing = Application.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return _result_for_existing(existing, programmes)

        people = find_same_person(applicant, nid_hash)
        if submitted_by is None and _national_id_held_by_another_phone(people, nid_hash, applicant.phone):
            # Self-service only: staff who verified the caller may apply for them (a new SIM, say).
            # Worded so as not to tell a stranger that the ID's owner is registered.
            raise ApplicationError(
                _("We cannot take this application from this phone. Ask us to call you back and we will help."),
                code="national_id_elsewhere",
            )
        already = open_requests_of(people, programmes)
        new_programmes = [p for p in programmes if p.code not in already]
        result = SubmissionResult(
            application=None,
            references={code: pa.application.reference for code, pa in already.items()},
            already_open=sorted(already),
        )
        if not new_programmes:
            return result

        person = _person_for(applicant, people, nid_hash, language, area)
        consent = Consent.objects.create(
            person=person, version=settings.CONSENT_VERSION, channel=channel, language=language
        )
        home = Household.objects.create(
            size=household.size,
            children_under_5=household.children_under_5,
            children_under_18=household.children_under_18,
            members_with_disability=household.members_with_disability,
            income_band=household.income_band,
            area=area,
        )
        screening = {r.programme.code: r for r in _screen(applicant, household, area, new_programmes)}
        application = Application(
            channel=channel,
            applicant=person,
            household=home,
            consent=consent,
            answers=answers or {},
            language=language,
            idempotency_key=idempotency_key or None,
            submitted_by=submitted_by,
        )
        if not _insert_with_new_reference(application):
            # Another request with the same key won the race: theirs is the application.
            existing = Application.objects.get(idempotency_key=idempotency_key)
            transaction.set_rollback(True)
            return _result_for_existing(existing, programmes)
        now = timezone.now()
        ProgrammeApplication.objects.bulk_create(
            [
                ProgrammeApplication(
                    application=application,
                    programme=programme,
                    prescreen=ProgrammeApplication.Prescreen.LIKELY
                    if screening[programme.code].likely
                    else ProgrammeApplication.Prescreen.UNLIKELY,
                    prescreen_reasons=[str(reason) for reason in screening[programme.code].reasons],
                    due_at=now + timedelta(days=programme.decision_sla_days),
                )
                for programme in new_programmes
            ]
        )
        ApplicationEvent.objects.create(
            application=application,
            kind=ApplicationEvent.Kind.SUBMITTED,
            is_public=True,
            to_status=ProgrammeApplication.Status.SUBMITTED,
            actor=submitted_by,
            channel=channel,
        )
        from registry import notifications

        notifications.application_received(application, new_programmes)
        events.application_registered(application)
        result.application = application
        result.created = True
        for programme in new_programmes:
            result.references[programme.code] = application.reference
        return result


def _screen(applicant: ApplicantDetails, household: HouseholdDetails, area: AdminArea, programmes: list[Programme]):
    answers = ScreeningAnswers(
        age=timezone.localdate().year - applicant.birth_year,
        household_size=household.size,
        children_under_5=household.children_under_5,
        children_under_18=household.children_under_18,
        members_with_disability=household.members_with_disability,
        income_band=household.income_band,
        area_id=household.area_id,
        region_id=area.parent_id,
    )
    return [screen_programme(programme, answers) for programme in programmes]


def _person_for(details: ApplicantDetails, people: list[Person], nid_hash: str, language: str, area) -> Person:
    """Reuse the matching person (keeping their details current) or create one."""
    person = next((p for p in people if nid_hash and p.national_id_hash == nid_hash), None) or (
        people[0] if people else None
    )
    if person is None:
        person = Person(
            given_name=details.given_name,
            family_name=details.family_name,
            birth_year=details.birth_year,
            date_of_birth=details.date_of_birth,
            sex=details.sex,
            phone=details.phone,
        )
    person.preferred_language = language
    person.area = area
    if nid_hash and not person.national_id_hash:
        person.national_id_hash = nid_hash
        person.national_id_last3 = details.national_id[-3:]
    if details.date_of_birth and not person.date_of_birth:
        person.date_of_birth = details.date_of_birth
    person.save()
    return person


def _result_for_existing(application: Application, programmes: list[Programme]) -> SubmissionResult:
    """What a repeated submission finds: the stored application and its own applicant's other open
    requests (never anyone found from the repeated request's details)."""
    own = {
        pa.programme.code: application.reference
        for pa in application.programme_applications.select_related("programme")
    }
    people = [application.applicant]
    others = {
        code: pa.application.reference
        for code, pa in open_requests_of(people, programmes).items()
        if pa.application_id != application.pk and code not in own
    }
    return SubmissionResult(
        application=application,
        references={**others, **own},
        already_open=sorted(others),
        created=False,
    )


WITHDRAWABLE_STATUSES = (
    ProgrammeApplication.Status.SUBMITTED,
    ProgrammeApplication.Status.UNDER_REVIEW,
    ProgrammeApplication.Status.WAITLISTED,
)


def withdraw_application(
    application: Application,
    *,
    person: Person,
    channel: str,
    actor=None,
    programme_codes: Iterable[str] | None = None,
) -> list[str]:
    """Withdraw undecided programme requests of ``application`` at its applicant's wish.

    ``programme_codes`` names the programmes to withdraw from (``None``: every undecided one), so a
    person may leave one programme and keep the others. Each withdrawal is recorded as a public
    event of that programme request. Returns the codes of the programmes withdrawn, in the
    application's order. ``person`` must be the applicant.
    """
    if application.applicant_id != person.pk:
        raise ApplicationError(_("This application is not yours."), code="owner")
    wanted = None if programme_codes is None else set(programme_codes)
    withdrawn = []
    with transaction.atomic():
        requests = application.programme_applications.select_for_update().select_related("programme")
        if wanted is not None:
            requests = requests.filter(programme__code__in=wanted)
            found = {pa.programme.code: pa for pa in requests}
            if set(found) != wanted or any(pa.status not in WITHDRAWABLE_STATUSES for pa in found.values()):
                raise ApplicationError(
                    _("This programme has already decided, or was withdrawn: it cannot be withdrawn now."),
                    code="not_withdrawable",
                )
        for pa in requests.order_by("pk"):
            if pa.status not in WITHDRAWABLE_STATUSES:
                continue
            ApplicationEvent.objects.create(
                application=application,
                programme_application=pa,
                kind=ApplicationEvent.Kind.STATUS,
                is_public=True,
                from_status=pa.status,
                to_status=ProgrammeApplication.Status.WITHDRAWN,
                actor=actor,
                channel=channel,
            )
            pa.status = ProgrammeApplication.Status.WITHDRAWN
            pa.save(update_fields=["status", "updated_at"])
            withdrawn.append(pa.programme.code)
        if withdrawn:
            events.application_updated(application)
    if not withdrawn:
        raise ApplicationError(_("There is nothing left to withdraw in this application."), code="nothing")
    return withdrawn
