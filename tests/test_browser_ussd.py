"""A real browser (Debian's Chromium through Playwright) on the USSD phone simulator at /dev/ussd/.

What a person reads on a phone, in every language: decisions read in full over pages (never cut
with ``..``), and a programme picker where only the numbers on the screen act and a chosen line
stays where it was.
"""

from __future__ import annotations

import importlib
import re

import pytest
from django.urls import clear_url_caches
from django.utils import timezone, translation
from django.utils.translation import pgettext

from registry.decisions import RefusalReason
from registry.models import AdminArea, Programme, ProgrammeApplication, ProgrammeName
from registry.preferences import set_phone_language
from registry.references import format_reference
from sms.encoding import is_gsm7, screen_length
from tests.domain_helpers import submit
from tests.test_browser_portal import CHROMIUM, browser, screenshot  # noqa: F401 - the browser fixture
from ussd.layout import SHORTENED
from ussd.testing import APPLY, GSM7_HARD_LIMIT, MY_APPLICATIONS, UCS2_HARD_LIMIT, apply_answers

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]

LANGUAGES = ["en", "fr", "sw", "ar"]
PHONE = "+254712345678"
# Short names as long as the model allows (20), in every language.
LONG_NAMES = {
    "en": ["Urban food support", "Youth skills support", "Drought relief cash", "Nutrition support"],
    "fr": ["Aide alimentaire", "Formation des jeunes", "Aide contre la faim", "Aide de nutrition"],
    "sw": ["Msaada wa chakula", "Mafunzo ya vijana", "Msaada wa ukame", "Msaada wa lishe bora"],
    "ar": ["دعم الغذاء في المدن", "تدريب الشباب المهني", "إغاثة الجفاف النقدية", "دعم التغذية للأطفال"],
}
OFFICER_WORDS = (
    "We visited your home on 3 November and found that the household income is above the limit "
    "of this programme for a household of four people."
)


@pytest.fixture
def debug(settings):
    """DEBUG on, with the /dev/ URLs it mounts (pytest-django runs tests with DEBUG off)."""
    import portal.urls

    settings.DEBUG = True
    importlib.reload(portal.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(portal.urls)
    clear_url_caches()


@pytest.fixture
def programmes_to_pick(db):
    """The five demo programmes and four more with names as long as allowed, all open to anyone."""
    from demo.areas_and_programmes import create_areas, create_programmes

    found = create_programmes(create_areas())
    for number in range(4):
        programme = Programme.objects.create(code=f"long-{number}", sort_order=20 + number)
        for language, names in LONG_NAMES.items():
            ProgrammeName.objects.create(
                programme=programme, language=language, name=names[number], short_name=names[number]
            )
        found[programme.code] = programme
    return found


class SimulatedPhone:
    """The simulator page as a person uses it: dial, type an answer, read the screen."""

    def __init__(self, page, base_url: str):
        self.page, self.base_url = page, base_url

    def dial(self, phone: str = PHONE) -> str:
        self.page.goto(f"{self.base_url}/dev/ussd/")
        self.page.fill("#ussd-phone", phone)
        self.page.click("button[name=dial]")
        return self.screen

    def send(self, *values: str) -> str:
        for value in values:
            self.page.fill("#ussd-input", value)
            self.page.click("button[name=send]")
        return self.screen

    @property
    def screen(self) -> str:
        text = self.page.inner_text("#ussd-screen")
        limit = GSM7_HARD_LIMIT if is_gsm7(text) else UCS2_HARD_LIMIT
        assert screen_length(text) <= limit, f"{screen_length(text)} > {limit}: {text!r}"
        return text

    def every_page(self) -> list[str]:
        """Every page of the screen, read with 98 (left on the last page)."""
        pages = [self.screen]
        while "\n98 " in pages[-1] and len(pages) < 20:
            pages.append(self.send("98"))
        return pages


def numbers_on(page: str) -> list[str]:
    """The option numbers a page shows, navigation keys left out."""
    lines = [line for line in page.split("\n") if re.match(r"^\d+ ", line) and not line.startswith(("98 ", "0 "))]
    return [line.split(" ", 1)[0] for line in lines]


def programme_lines(page: str, actions: int = 2) -> list[str]:
    """The numbered programme lines of a picker page (its actions, 98 and 0 left out)."""
    lines = [line for line in page.split("\n") if re.match(r"^\d+ ", line) and not line.startswith(("98 ", "0 "))]
    return lines[:-actions]


def refuse(pa: ProgrammeApplication) -> None:
    ProgrammeApplication.objects.filter(pk=pa.pk).update(
        status=ProgrammeApplication.Status.NOT_ELIGIBLE,
        decided_at=timezone.now(),
        decision_reason_code=RefusalReason.INCOME_ABOVE_LIMIT,
        decision_text=OFFICER_WORDS,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refusal_is_read_in_full_over_pages_never_cut(live_server, browser, debug, programmes_to_pick, language):  # noqa: F811
    set_phone_language(PHONE, language)
    district = AdminArea.objects.get(code="kibra")
    codes = ["public-works", "long-1", "long-2"]
    application = submit(district, codes, language=language, channel="ussd", phone=PHONE).application
    for pa in application.programme_applications.all():
        refuse(pa)
    with translation.override(language):
        status = str(ProgrammeApplication.Status.NOT_ELIGIBLE.label)
    reference = format_reference(application.reference)

    page = browser.new_page(viewport={"width": 360, "height": 740})
    phone = SimulatedPhone(page, live_server.url)
    phone.dial()
    listing = "\n".join(phone.send(MY_APPLICATIONS) and phone.every_page())
    assert listing.count(f": {status}") == 3, listing  # each programme, its status whole
    for number in ("1", "2", "3"):
        phone.dial()
        phone.send(MY_APPLICATIONS, number)
        pages = phone.every_page()
        lines = [line for shown in pages for line in shown.split("\n")]
        assert status in lines and any(line.endswith(reference) for line in lines), pages
        for line in lines:
            if status in line or reference in line:
                assert SHORTENED not in line, pages
        assert any(line.endswith(SHORTENED) or "above" in line or line.startswith(OFFICER_WORDS[:10]) for line in lines)
    screenshot(page, f"ussd-refusal-{language}")
    page.close()


def walk_to_the_picker(phone: SimulatedPhone) -> str:
    phone.dial()
    phone.send(APPLY, *apply_answers())
    return phone.send("1")  # the advice screen: "Choose programmes"


@pytest.mark.parametrize("language", LANGUAGES)
def test_only_numbers_on_the_picker_page_act_and_a_chosen_line_stays_put(
    live_server,
    browser,  # noqa: F811
    debug,
    programmes_to_pick,
    language,
):
    set_phone_language(PHONE, language)
    count = Programme.objects.count()
    with translation.override(language):
        not_here = pgettext("ussd", "Choose a number shown on this page.")
        if language != "en":
            assert not_here != "Choose a number shown on this page."

    page = browser.new_page(viewport={"width": 360, "height": 740})
    phone = SimulatedPhone(page, live_server.url)
    first = walk_to_the_picker(phone)
    pages = phone.every_page()
    assert len(pages) > 1, pages
    assert all(programme_lines(shown) for shown in pages), pages  # at least one programme on every page
    for _page in pages[1:]:
        phone.send("0")
    assert phone.screen == first
    shown = [int(number) for number in numbers_on(first)][:-2]
    hidden = next(number for number in range(1, count + 1) if number not in shown)

    # A number from another page: a clear error, the same page, nothing chosen.
    again = phone.send(str(hidden))
    assert again.split("\n")[0] == not_here, again
    # In every language, with the error above, the page still holds at least one programme.
    assert programme_lines(again) and set(programme_lines(again)) <= set(programme_lines(first))
    assert not any(line.split(" ", 1)[1].startswith("*") for line in programme_lines(again))

    # A number on the page: marked, on the same page as before.
    chosen = phone.send(str(shown[-1]))
    assert numbers_on(chosen) == numbers_on(first), (first, chosen)
    assert any(line.startswith(f"{shown[-1]} *") for line in chosen.split("\n"))

    # The next page: a number there is chosen there, and that page stays.
    second = phone.send("98")
    on_second = [int(number) for number in numbers_on(second)][:-2]
    chosen_there = phone.send(str(on_second[0]))
    assert numbers_on(chosen_there) == numbers_on(second)
    assert any(line.startswith(f"{on_second[0]} *") for line in chosen_there.split("\n"))
    screenshot(page, f"ussd-picker-{language}")

    # Done: exactly the two programmes chosen on screen are asked for.
    confirm = phone.send(str(count + 2), "1")
    assert "2" in confirm, confirm
    page.close()
