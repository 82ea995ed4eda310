"""The menu engine: screens are small objects; numbering, pages, back, main menu and errors are generic."""

from __future__ import annotations

import pytest

from sms.encoding import is_gsm7, plain_punctuation, screen_length
from ussd.engine import SCREENS, End, MenuScreen, Option, Prompt, Stay
from ussd.hop import newest_input
from ussd.layout import Entry, fits, paginate
from ussd.session import SessionState, load_session, save_session
from ussd.testing import APPLY, COMPLAINT, LANGUAGE_KEYS, UssdPhone

pytestmark = pytest.mark.django_db

PHONE = "+254712345678"


class CountryList(MenuScreen):
    """A test screen: sixty countries, a fixed action, and an ending per choice."""

    name = "test_countries"

    def render(self, ctx):
        return Prompt(
            "Pick a country:",
            options=[Option(f"Country number {n:02d}", n) for n in range(1, 61)],
            actions=[Option("None of these", "none")],
        )

    def choose(self, ctx, value):
        if value == "none":
            return Stay("Then pick the nearest.")
        return End(f"You picked {value}.", screen="test_done", completed=True)


@pytest.fixture
def on_the_country_list(client, programmes, monkeypatch):
    monkeypatch.setitem(SCREENS, CountryList.name, CountryList())
    session = UssdPhone(client, phone=PHONE)
    session.dial()
    session.send(LANGUAGE_KEYS["en"])
    state = load_session(session.session_id)
    state.history.append({"screen": state.screen, "params": {}, "page": 0})
    state.screen, state.page = CountryList.name, 0
    save_session(state)
    session.send("98")
    session.send("0")
    return session


def test_long_lists_are_paginated_with_more_and_back_added_by_the_engine(on_the_country_list):
    session = on_the_country_list
    first = session.screen
    lines = first.splitlines()
    assert lines[0] == "Pick a country:" and lines[1] == "1 Country number 01"
    assert lines[-3:] == ["61 None of these", "98 More", "0 Back"]
    assert screen_length(first) <= 160
    pages = [first]
    while "\n98 More" in session.screen:
        pages.append(session.send("98")[4:])
    shown = [
        line
        for page in pages
        for line in page.splitlines()
        if line.startswith(tuple("123456789")) and line != "98 More"
    ]
    numbers = sorted({int(line.split()[0]) for line in shown})
    assert numbers == list(range(1, 62))  # every option, once numbered, with the action on every page
    assert all("61 None of these" in page for page in pages)
    assert all(screen_length(page) <= 160 for page in pages)
    session.send("0")
    assert session.screen == pages[-2]


def test_any_listed_number_works_from_any_page(on_the_country_list):
    session = on_the_country_list
    session.send("98")
    assert session.send("3") == "END You picked 3."


def test_back_on_the_first_page_returns_to_the_previous_screen(on_the_country_list):
    session = on_the_country_list
    session.send("0")
    assert session.screen_name == "main"


def test_an_invalid_answer_shows_the_screen_again_with_a_short_error(on_the_country_list):
    session = on_the_country_list
    page = session.screen
    again = session.send("99")[4:]
    error, rest = again.split("\n", 1)
    assert error == "Choose a number from the list." and rest.startswith("Pick a country:")
    assert session.screen_name == CountryList.name and len(again) <= 160
    assert page.splitlines()[1] == rest.splitlines()[1]


def test_three_wrong_answers_in_a_row_end_the_session_politely(on_the_country_list):
    session = on_the_country_list
    assert session.send("x").startswith("CON ")
    assert session.send("61").startswith("CON Then pick the nearest.")  # a screen's own error counts too
    final = session.send("🙂")
    assert final.startswith("END ") and "dial again" in final


def test_a_right_answer_resets_the_count_of_wrong_ones(on_the_country_list):
    session = on_the_country_list
    session.send("x", "x", "98", "x", "x")
    assert not session.ended


def test_00_goes_to_the_main_menu_from_anywhere(client, programmes):
    session = UssdPhone(client, phone=PHONE)
    session.dial()
    session.send(LANGUAGE_KEYS["en"], COMPLAINT, "1")
    assert session.screen_name == "complaint_text"
    session.send("00")
    assert session.screen_name == "main"
    session.send("0")  # nothing behind the main menu: an error, not a crash
    assert session.screen_name == "main" and session.screen.startswith("Choose a number")


def test_zero_is_an_answer_where_it_means_none_and_back_elsewhere(client, programmes):
    session = UssdPhone(client, phone=PHONE)
    session.dial()
    session.send(LANGUAGE_KEYS["en"], APPLY, "Amina Wanjiru", "1950", "1")
    assert session.screen_name == "apply_national_id"
    session.send("0")  # "0 if none"
    assert session.screen_name == "apply_region"
    assert load_session(session.session_id).answers["national_id"] == ""
    session.send("1", "1")
    assert session.screen_name == "apply_household"
    session.send("0")  # no household has 0 people: back
    assert session.screen_name == "apply_district"


def test_a_name_typed_with_stars_for_spaces_is_understood(client, programmes):
    session = UssdPhone(client, phone=PHONE)
    session.dial()
    session.send(LANGUAGE_KEYS["en"], APPLY, "Amina*Wanjiru*Otieno")
    answers = load_session(session.session_id).answers
    assert (answers["given_name"], answers["family_name"]) == ("Amina", "Wanjiru Otieno")


@pytest.mark.parametrize(
    ("processed", "text", "first", "expected"),
    [
        ("", "", True, None),
        ("", "2", True, "2"),  # dialled *384*1*2#
        ("", "1", False, "1"),
        ("1", "1*2", False, "2"),
        ("1*2", "1*2*Amina*Wanjiru", False, "Amina*Wanjiru"),
        ("1*2*3", "1*5", False, "5"),  # does not extend what was processed: the newest part
        ("1*2", "1*2*", False, ""),
    ],
)
def test_only_the_newest_input_is_handled(processed, text, first, expected):
    state = SessionState(session_id="s", phone="+254712345678")
    state.processed(processed)
    assert newest_input(state, text, first_hop=first) == expected


def test_session_state_round_trips_through_the_cache():
    state = SessionState(session_id="ATUid_rt", phone=PHONE, language="fr", screen="main", answers={"a": 1})
    save_session(state)
    assert load_session("ATUid_rt") == state


PAGE_LINES = {"more_line": "98 More", "back_line": "0 Back", "back_on_first_page": True}


@pytest.mark.parametrize("arabic", [False, True], ids=["GSM-7", "UCS-2"])
def test_a_long_text_to_read_goes_on_over_pages_cut_between_words_and_nothing_is_lost(arabic):
    word = "جواب" if arabic else "answer"
    text = " ".join(f"{word}{number}" for number in range(80))
    pages = paginate("Ref 2 4821 7730 5", [Entry(text), Entry("Appeal", "1")], [], **PAGE_LINES)

    assert len(pages) > 2
    for page in pages:
        assert fits(page), page
    shown = " ".join(line for page in pages for line in page.split("\n") if word in line)
    assert shown.replace(".. ", " ").removesuffix("..").split() == text.split()
    assert pages[-1].endswith("\n1 Appeal\n0 Back") and all("98 More" in page for page in pages[:-1])


def test_typographic_punctuation_is_shown_in_plain_gsm7():
    typed = "Votre paiement d’octobre – « versé » le 3…"
    assert plain_punctuation(typed) == 'Votre paiement d\'octobre - " versé " le 3...'
    assert is_gsm7(plain_punctuation("d’octobre – « versé » …"))


def test_eastern_arabic_digits_are_read_as_digits(client, programmes):
    phone = UssdPhone(client)
    phone.dial()
    phone.send(LANGUAGE_KEYS["ar"], "١", "أمينة")
    phone.send("٤٥")
    assert phone.screen_name == "apply_sex"


@pytest.mark.parametrize(
    "text",
    ["x" * 2000, "   " + "y" * 300, " ".join(["z" * 250] * 3), "", "     ", "a " * 400],
    ids=["one long word", "leading spaces", "words longer than a page", "empty", "only spaces", "short words"],
)
def test_any_text_to_read_is_laid_out_in_pages_that_fit_and_ends(text):
    pages = paginate("Ref 2 4821 7730 5\nResolved.", [Entry(text), Entry("Appeal", "1")], [], **PAGE_LINES)
    assert pages and all(fits(page) for page in pages)
    kept = "".join(line for page in pages for line in page.split("\n")[2:] if line not in ("98 More", "0 Back"))
    assert kept.replace("..", "").replace(" ", "").startswith(text.replace(" ", "")[:50])
