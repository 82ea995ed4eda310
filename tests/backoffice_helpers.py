"""Helpers for tests that use the back-office: staff users per role, signed in with a real second factor."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def make_staff(username: str, *roles: str, superuser: bool = False):
    """Create an active staff user in the groups named ``roles`` (see ``backoffice.roles``)."""
    user = get_user_model().objects.create_user(
        username=username,
        password=None,
        first_name=username.capitalize(),
        is_staff=True,
        is_superuser=superuser,
    )
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return user


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app would show now for ``device``."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def sign_in_verified(client, user) -> None:
    """Sign ``user`` in with their password session and a TOTP code through the real verification page."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    # A code is accepted once per time step; let a test sign the same user in again.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    device.refresh_from_db()
    response = client.post(reverse("lango_2fa_verify"), {"token": current_code(device)})
    if response.status_code != 302:
        raise AssertionError(f"Second-factor sign-in failed for {user}: {response.status_code}")


def file_case(*, category: str = "payment_not_received", phone: str = "+254712345678", **kwargs):
    """File a complaint through the real service and return the case."""
    from grievances.services import file_grievance

    kwargs.setdefault("description", "My payment for March did not arrive.")
    kwargs.setdefault("channel", "web")
    kwargs.setdefault("language", "en")
    return file_grievance(category=category, phone=phone, **kwargs).grievance


def submit_application(programme_codes: list[str], area, *, phone: str = "+254712345678", **kwargs):
    """Submit an application through the real registry service and return it."""
    from registry.services import ApplicantDetails, HouseholdDetails
    from registry.services import submit_application as submit

    applicant = ApplicantDetails(
        given_name=kwargs.pop("given_name", "Amina"),
        family_name=kwargs.pop("family_name", "Otieno"),
        sex="female",
        phone=phone,
        birth_year=kwargs.pop("birth_year", 1950),
        date_of_birth=kwargs.pop("date_of_birth", None),
        national_id=kwargs.pop("national_id", ""),
    )
    household = HouseholdDetails(
        size=4, children_under_5=1, children_under_18=2, members_with_disability=0, income_band=1, area_id=area.pk
    )
    kwargs.setdefault("channel", "web")
    kwargs.setdefault("language", "en")
    return submit(
        applicant=applicant, household=household, programme_codes=programme_codes, consent_given=True, **kwargs
    ).application
