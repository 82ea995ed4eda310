"""Someone who lives alone is not asked how many children live with them ("a number from 0 to 0")."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import pgettext

from registry.models import Application
from ussd.testing import LANGUAGE_KEYS, UssdPhone, pick_and_send

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", list(LANGUAGE_KEYS))
def test_someone_who_lives_alone_goes_from_the_household_size_to_the_disability_question(client, programmes, language):
    phone = UssdPhone(client, phone="+254711000401")
    phone.dial()
    phone.send(LANGUAGE_KEYS[language], "1", "Amina Wanjiru", "1950", "1", "0", "1", "1")

    screen = phone.send("1")  # one person in the home: the applicant

    with translation.override(language):
        assert pgettext("ussd", "How many people in your home have a disability? (0 if none)") in screen
        assert pgettext("ussd", "How many of them are under 18? (0 if none)") not in screen
    phone.send("0", "1")  # no disability; the lowest income band
    phone.send(*pick_and_send(len(programmes)))
    household = Application.objects.get().household
    assert (household.size, household.children_under_18, household.children_under_5) == (1, 0, 0)
