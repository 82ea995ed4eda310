"""Every screen of every journey, in every language, fits its encoding's budget — measured, not eyeballed.

The walks visit every registered screen, every page of every list (with the longest district and
programme names the models allow), and every screen once more with an error above it. They run
with the catalogs as they are and with pseudo-translations that are a third longer than English:
Arabic (UCS-2, 80 characters) and French with letters outside GSM-7 (which also turn a screen
UCS-2), so the budgets hold for whatever the translators write.
"""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import trans_real

from backoffice.roles import GRIEVANCE_OFFICER
from grievances.models import Grievance
from grievances.services import transition
from registry.models import AdminArea, Payment, PaymentChannel, Programme, ProgrammeApplication, ProgrammeName
from sms.encoding import is_gsm7, screen_length
from tests.backoffice_helpers import make_staff
from ussd.engine import SCREENS
from ussd.layout import GSM7_TARGET, UCS2_TARGET, paginate
from ussd.layout import Entry as LayoutEntry
from ussd.testing import (
    APPLY,
    CALL_ME_BACK,
    COMPLAINT,
    LANGUAGE,
    LANGUAGE_KEYS,
    MY_APPLICATIONS,
    MY_PAYMENTS,
    TRACK,
    UssdPhone,
    apply_answers,
    reference_and_pin,
)

pytestmark = pytest.mark.django_db

PHONE = "+254712345678"
LONGEST_AREA_NAME = AdminArea._meta.get_field("name").max_length
LONGEST_SHORT_NAME = ProgrammeName._meta.get_field("short_name").max_length
PLACEHOLDER = re.compile(r"(%\(\w+\)s)")
ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def _pseudo(text: str, letters: str, filler: str) -> str:
    """The same text, each letter replaced, a third longer, placeholders kept."""
    parts = PLACEHOLDER.split(text)
    out = []
    for part in parts:
        if PLACEHOLDER.fullmatch(part):
            out.append(part)
            continue
        out.append("".join(letters[ord(ch) % len(letters)] if ch.isalpha() else ch for ch in part))
    body = "".join(out)
    letters_count = sum(ch.isalpha() for ch in text)
    return body + (" " + filler * math.ceil(letters_count / 3) if letters_count else "")


class PseudoTranslation:
    """A translation object that answers every message with a longer pseudo-translation."""

    def __init__(self, language: str, letters: str, filler: str):
        self.real = trans_real.translation(language)
        self.code, self.letters, self.filler = language, letters, filler

    def gettext(self, message: str) -> str:
        source = message.split(trans_real.CONTEXT_SEPARATOR, 1)[-1]
        return _pseudo(source, self.letters, self.filler)

    def ngettext(self, singular: str, plural: str, number: int) -> str:
        return self.gettext(singular if number == 1 else plural)

    def to_language(self) -> str:
        return self.code

    def language(self) -> str:
        return self.code

    def __getattr__(self, name):
        return getattr(self.real, name)


CATALOGS = {
    "as they are": {},
    "pseudo-Arabic": {"ar": ("ابتثجحخدذرزسشصضطظعغفقكلمنهوي", "ع")},
    "pseudo-French outside GSM-7": {"fr": ("êâîôûçœëï", "ê")},
}


@pytest.fixture(params=list(CATALOGS))
def catalogs(request, monkeypatch):
    for language, (letters, filler) in CATALOGS[request.param].items():
        monkeypatch.setitem(trans_real._translations, language, PseudoTranslation(language, letters, filler))
    return request.param


@pytest.fixture
def long_lists(db, areas, programmes):
    """A region with many districts with names as long as the model allows, and long programme names."""
    region = AdminArea.objects.create(code="r-long", name="R" * LONGEST_AREA_NAME, level="region")
    for number in range(14):
        name = (f"District {number:02d} " + "Marakwet-Elgeyo " * 5)[:LONGEST_AREA_NAME]
        AdminArea.objects.create(code=f"d-long-{number}", name=name, level="district", parent=region)
    for number in range(4):
        programme = Programme.objects.create(code=f"long-{number}", sort_order=10 + number)
        for language in LANGUAGE_KEYS:
            short = ("ب" if language == "ar" else "W") * (LONGEST_SHORT_NAME - 2) + f"{number:02d}"
            ProgrammeName.objects.create(programme=programme, language=language, name=short * 3, short_name=short)
    return region


class Explorer:
    """Walks a session like a curious person: every page of every list, one wrong answer per screen."""

    def __init__(self, client, language: str):
        self.phone = UssdPhone(client, phone=PHONE)
        self.language = language
        self.seen: set[str] = set()
        self.explored: set[str] = set()

    def look_around(self) -> None:
        name = self.phone.screen_name
        self.seen.add(name)
        if self.phone.ended or name in self.explored:
            return
        self.explored.add(name)
        pages = 0
        while "\n98 " in self.phone.screen and pages < 20:
            self.phone.send("98")
            pages += 1
        for _page in range(pages):
            self.phone.send("0")
        self.phone.send("x#")  # a wrong answer: the screen again, with a short error
        assert self.phone.screen_name == name

    def dial(self) -> Explorer:
        self.explored = set()
        self.phone = UssdPhone(self.phone.client, phone=PHONE)
        self.phone.dial()
        self.look_around()
        if self.phone.screen_name == "language":
            self.go(LANGUAGE_KEYS[self.language])
        return self

    def go(self, *values: str) -> Explorer:
        for value in values:
            self.phone.send(value)
            self.look_around()
        return self


def answer_case(reference: str, reply: str) -> None:
    """An officer takes the case, replies in public and resolves it (not upheld)."""
    case = Grievance.objects.get(reference=reference)
    officer = make_staff(f"officer-{reference}", GRIEVANCE_OFFICER)
    transition(case, "assign", officer, assignee=officer)
    transition(case, "reply", officer, text=reply)
    transition(case, "resolve", officer, outcome="not_upheld", text=reply)


def pay_every_request() -> None:
    """Large payments, in every status, to every programme request made so far (as if enrolled)."""
    statuses = [choice for choice, _label in Payment.Status.choices]
    for n, pa in enumerate(ProgrammeApplication.objects.all()):
        for k, status in enumerate(statuses):
            Payment.objects.create(
                programme_application=pa,
                source="pay",
                external_id=f"p-{n}-{k}",
                status=status,
                amount=Decimal("1250000.50"),
                currency="KES",
                channel=PaymentChannel.CASH_POINT,
                payment_date=date(2026, 11, 28),
                status_at=timezone.now(),
            )


def walk_every_journey(client, language: str, region_key: str, programme_count: int) -> set[str]:
    explorer = Explorer(client, language)
    # Apply, dropped after the household size; then resumed and finished.
    explorer.dial().go(APPLY, *apply_answers(region=region_key, district="14")[:7])
    explorer.dial().go("1", *apply_answers()[7:], "1", "1", "2", str(programme_count + 2), "1", "1")
    # Applying again from the same phone: told at once, then to "My applications".
    explorer.dial().go(APPLY, "3")
    # My applications with an appealable refusal, then the appeal.
    ProgrammeApplication.objects.update(
        status=ProgrammeApplication.Status.NOT_ELIGIBLE,
        decided_at=timezone.now(),
        decision_text="The household income is above the limit of this programme. " * 3,
    )
    explorer.dial().go(MY_APPLICATIONS, "1", "1", "I disagree with this decision", "1")
    # My payments: none yet, then a long history in every programme applied to.
    explorer.dial().go(MY_PAYMENTS)
    pay_every_request()
    explorer.dial().go(MY_PAYMENTS)
    # A payment that did not arrive, named from the list of payments.
    explorer.dial().go(COMPLAINT, "1", "1", "The money never came", "1")
    # A complaint kept anonymous, then tracked with its PIN from the same phone.
    explorer.dial().go(COMPLAINT, "7", "Nobody answers at the office", "2", "1")
    reference, pin = reference_and_pin(explorer.phone.screen)
    explorer.dial().go(TRACK, reference, pin)
    # The same case answered at length by an officer, tracked again, its answer rated and appealed.
    answer_case(reference, "We checked with the district office and the bank, and found no fault. " * 3)
    # Rated poor (the appeal offered, declined), then appealed from the tracked case.
    explorer.dial().go(TRACK, reference, pin, "2", "2", "2")
    explorer.dial().go(TRACK, reference, pin, "1", "The office is still closed every day", "1")
    # Call me back; the language screen from the main menu.
    explorer.dial().go(CALL_ME_BACK, "4")
    explorer.dial().go(LANGUAGE, LANGUAGE_KEYS[language])
    # Too young to apply: who can apply instead, and a call back.
    explorer.dial().go(APPLY, "Baraka Otieno", "12", "1")
    # Withdrawing consent from "My applications" (the action after the requests): cancelled, then done.
    consent_key = str(ProgrammeApplication.objects.count() + 1)
    explorer.dial().go(MY_APPLICATIONS, consent_key, "2")
    explorer.dial().go(MY_APPLICATIONS, consent_key, "1")
    return explorer.seen


@pytest.mark.parametrize("language", list(LANGUAGE_KEYS))
def test_every_screen_of_every_journey_fits_its_budget(client, settings, long_lists, programmes, catalogs, language):
    settings.USSD_HOPS_PER_PHONE_PER_MINUTE = 10_000  # the explorer is far faster than a thumb
    # Regions by name: Coast, Nairobi, then the long one.
    seen = walk_every_journey(client, language, region_key="3", programme_count=Programme.objects.count())
    assert set(SCREENS) <= seen, sorted(set(SCREENS) - seen)


def test_a_list_page_is_measured_in_the_encoding_of_the_whole_page():
    entries = [LayoutEntry("ب" * 20, str(n)) for n in range(1, 9)]
    pages = paginate("اختر:", entries, ["9 تم"], more_line="98 المزيد", back_line="0 رجوع", back_on_first_page=True)
    assert len(pages) > 1
    for page in pages:
        assert not is_gsm7(page) and screen_length(page) <= UCS2_TARGET
    latin = [LayoutEntry("District " + "x" * 40, str(n)) for n in range(1, 9)]
    for page in paginate("Choose:", latin, [], more_line="98 More", back_line="0 Back", back_on_first_page=False):
        assert is_gsm7(page) and screen_length(page) <= GSM7_TARGET


def test_an_entry_longer_than_a_screen_is_shortened_not_dropped():
    pages = paginate(
        "Choose:", [LayoutEntry("y" * 400, "1")], [], more_line="98 More", back_line="0 Back", back_on_first_page=True
    )
    assert len(pages) == 1 and pages[0].startswith("Choose:\n1 yyy") and pages[0].endswith("..\n0 Back")
    assert screen_length(pages[0]) <= GSM7_TARGET
