"""Citizens as Django users: one user per E.164 phone number, linked to the people who applied with it."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from grievances.models import Grievance, contact_phone_is
from registry.models import Application, Payment, Person, ProgrammeApplication
from registry.queries import applications_of, latest_payments

CITIZEN_SESSION_FLAG = "portal_citizen"


def citizen_for_phone(phone: str):
    """Return the citizen user for an E.164 ``phone``, creating it; ``None`` if the name belongs to staff.

    A citizen has no usable password and no staff rights: a staff account whose username happens to
    be a phone number can never be entered with an SMS code.
    """
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=phone)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if user.is_staff or user.is_superuser or user.has_usable_password() or not user.is_active:
        return None
    return user


def may_sign_in_as_citizen(phone: str) -> bool:
    """Tell whether ``phone`` could sign in as a citizen, without creating anyone.

    Refused only when the name is taken by an account that is not a citizen's (staff, a usable
    password, or switched off).
    """
    user = get_user_model().objects.filter(username=phone).first()
    return user is None or not (user.is_staff or user.is_superuser or user.has_usable_password() or not user.is_active)


def is_citizen(request) -> bool:
    """Tell whether the request comes from a citizen who signed in with their phone."""
    return bool(request.user.is_authenticated and request.session.get(CITIZEN_SESSION_FLAG))


def phone_of(user) -> str:
    """The phone number a citizen signed in with."""
    return user.get_username()


def link_people(user) -> int:
    """Link every person who applied with the citizen's phone to the citizen; return how many were new."""
    return Person.objects.filter(phone=phone_of(user), user__isnull=True).update(user=user)


def people_of(user) -> QuerySet[Person]:
    """The people a citizen speaks for (those linked to them)."""
    return Person.objects.filter(user=user)


def applications_of_user(user) -> QuerySet[Application]:
    """The citizen's applications, newest first, with their programme requests loaded."""
    return applications_of(Application.objects.filter(applicant__user=user))


def programme_applications_of_user(user) -> QuerySet[ProgrammeApplication]:
    """Every programme request of the citizen's applications."""
    return ProgrammeApplication.objects.filter(application__applicant__user=user).select_related(
        "application", "programme"
    )


def grievances_of_user(user) -> QuerySet[Grievance]:
    """The citizen's complaints and appeals: theirs by person, or filed (not anonymously) from their phone."""
    return Grievance.objects.filter(
        Q(complainant__user=user) | Q(contact_phone_is(phone_of(user)), is_anonymous=False, complainant__isnull=True)
    ).order_by("-created_at")


def payments_of_user(user, per_programme: int = 3) -> list[Payment]:
    """The latest payments to the citizen's enrolled programmes (a few per programme), newest first."""
    return latest_payments(people=people_of(user), per_programme=per_programme)
