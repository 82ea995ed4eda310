"""Every SMS command, in every language and however it is typed, gets the right reply through the outbox."""

from __future__ import annotations

import itertools

import pytest

from backoffice.roles import GRIEVANCE_OFFICER
from grievances.models import CallbackRequest, Grievance
from grievances.services import file_grievance, transition
from registry.models import PhonePreference
from registry.preferences import set_phone_language
from registry.references import format_reference
from sms.commands import KEYWORD_INDEX, fold
from sms.keywords import KEYWORDS
from sms.models import InboundMessage, OutboundMessage
from tests.backoffice_helpers import make_staff
from tests.domain_helpers import submit
from tests.fakes.fake_at import inbound_fields

pytest_plugins = ["tests.fakes.fixtures"]

SENDER = "+254722000111"
_ids = itertools.count(1)


def send_sms(client, token: str, text: str, *, sender: str = SENDER, message_id: str | None = None):
    """Post an inbound SMS the way Africa's Talking does; return the reply queued for it (or None)."""
    message_id = message_id or f"ATXin_{next(_ids)}"
    response = client.post(f"/sms/at/{token}/inbound/", inbound_fields(sender, text, message_id))
    assert response.status_code == 200
    return OutboundMessage.objects.filter(dedupe_key=f"sms-reply:{message_id}").first()


def odd_spellings(keyword: str) -> list[str]:
    """The keyword as phones and thumbs type it: odd case, stray spaces and punctuation, diacritics."""
    if keyword.isascii() or not keyword.isalpha() or keyword.upper() != keyword.lower():
        mixed = "".join(ch.lower() if i % 2 else ch.upper() for i, ch in enumerate(keyword.lower()))
        return [f"  {keyword.lower()}  ", f"*{mixed}!", f"{keyword.title()} ."]
    # Arabic: a diacritic, a tatweel, the article and Arabic punctuation.
    return [f"  {keyword[0]}\u064e{keyword[1:]} ", f"{keyword[0]}\u0640{keyword[1:]}", f"؟{keyword}؟"]


def expected_language(keyword: str) -> str:
    """The language a reply to ``keyword`` comes in when nothing else is known about the sender."""
    return KEYWORD_INDEX[fold(keyword)][1][0]


def keyword_cases(command: str) -> list[tuple[str, str, str]]:
    """(language, keyword, text) for every keyword of ``command`` in every language, oddly typed."""
    return [
        (language, keyword, text)
        for language, table in KEYWORDS.items()
        for keyword in table[command]
        for text in odd_spellings(keyword)
    ]


def ids(case):
    return f"{case[0]}-{case[2]!r}"


@pytest.mark.parametrize(
    ("language", "keyword", "text"), keyword_cases("status"), ids=map(ids, keyword_cases("status"))
)
def test_status_without_applications_says_so_in_the_keywords_language(
    db, client, callback_token, language, keyword, text
):
    reply = send_sms(client, callback_token, text)

    assert reply.template == "status_none"
    assert reply.language == expected_language(keyword)


@pytest.mark.parametrize(("language", "keyword", "text"), keyword_cases("help"), ids=map(ids, keyword_cases("help")))
def test_help_lists_the_keywords(db, client, callback_token, language, keyword, text):
    reply = send_sms(client, callback_token, text)

    assert reply.template == "help"
    assert reply.language == expected_language(keyword)


@pytest.mark.parametrize(("language", "keyword", "text"), keyword_cases("call"), ids=map(ids, keyword_cases("call")))
def test_call_asks_for_a_call_back(db, client, callback_token, language, keyword, text):
    reply = send_sms(client, callback_token, text)

    assert reply.template == "callback_requested"
    assert reply.language == expected_language(keyword)
    callback = CallbackRequest.objects.get(phone=SENDER)
    assert (callback.channel, callback.language) == ("sms", reply.language)


@pytest.mark.parametrize(("language", "keyword", "text"), keyword_cases("stop"), ids=map(ids, keyword_cases("stop")))
def test_stop_opts_out_of_news(db, client, callback_token, language, keyword, text):
    reply = send_sms(client, callback_token, text)

    assert reply.template == "opted_out"
    assert reply.language == expected_language(keyword)
    assert PhonePreference.objects.get(phone=SENDER).sms_opt_out is True


@pytest.mark.parametrize(("language", "keyword", "text"), keyword_cases("start"), ids=map(ids, keyword_cases("start")))
def test_start_opts_back_in(db, client, callback_token, language, keyword, text):
    send_sms(client, callback_token, "STOP")

    reply = send_sms(client, callback_token, text)

    assert reply.template == "opted_in"
    assert PhonePreference.objects.get(phone=SENDER).sms_opt_out is False


@pytest.mark.parametrize(
    ("language", "keyword", "text"), keyword_cases("complain"), ids=map(ids, keyword_cases("complain"))
)
def test_complain_files_a_grievance_and_replies_with_its_reference(db, client, callback_token, language, keyword, text):
    send_sms(client, callback_token, f"{text}   The payment of   March never came.")

    grievance = Grievance.objects.get()
    assert grievance.channel == "sms"
    assert grievance.description == "The payment of March never came"
    assert grievance.contact_phone == SENDER
    assert grievance.language == expected_language(keyword)
    reply = OutboundMessage.objects.get(to=SENDER)
    assert reply.template == "grievance_received"
    assert format_reference(grievance.reference) in reply.body


@pytest.mark.parametrize(("language", "keyword", "text"), keyword_cases("track"), ids=map(ids, keyword_cases("track")))
def test_track_shows_the_status_of_a_case_filed_from_this_phone(db, client, callback_token, language, keyword, text):
    grievance = file_grievance(
        category="payment_not_received", description="No money", channel="web", language="en", phone=SENDER
    ).grievance

    reply = send_sms(client, callback_token, f"{text} {format_reference(grievance.reference)}")

    assert reply.template == "track_reply"
    assert reply.language == expected_language(keyword)
    assert format_reference(grievance.reference) in reply.body


@pytest.mark.parametrize(
    ("language", "keyword", "text"), keyword_cases("language"), ids=map(ids, keyword_cases("language"))
)
def test_language_changes_the_phones_language_and_answers_in_it(db, client, callback_token, language, keyword, text):
    reply = send_sms(client, callback_token, f"{text} sw")

    assert reply.template == "language_set"
    assert reply.language == "sw"
    assert PhonePreference.objects.get(phone=SENDER).language == "sw"


@pytest.mark.parametrize("text", ["hello", "asdf qwer", "7", "?", "", "Habari yako", "مرحبا", "bonjour, j'ai faim"])
def test_gibberish_gets_the_help_reply(db, client, callback_token, text):
    reply = send_sms(client, callback_token, text)

    assert reply.template == "help"
    assert InboundMessage.objects.get().command == "unknown"


def test_gibberish_is_answered_in_the_phones_language(db, client, callback_token):
    set_phone_language(SENDER, "fr")

    reply = send_sms(client, callback_token, "bonjour")

    assert (reply.template, reply.language) == ("help", "fr")


def test_a_chosen_language_wins_over_the_keywords_language(db, client, callback_token):
    set_phone_language(SENDER, "ar")

    assert send_sms(client, callback_token, "HALI").language == "ar"


def test_status_lists_each_programme_of_the_phones_applications(db, client, callback_token, areas, programmes):
    submit(areas["mombasa"], ["old-age-pension", "public-works"], phone=SENDER)

    reply = send_sms(client, callback_token, "status")

    assert reply.template == "status_reply"
    assert "Old-age pension: Received" in reply.body
    assert "Public works: Received" in reply.body
    assert reply.parts == 1


def test_status_names_programmes_in_the_senders_language(db, client, callback_token, areas, programmes):
    submit(areas["mombasa"], ["old-age-pension"], phone=SENDER)

    reply = send_sms(client, callback_token, "hali")

    assert "Pensheni ya wazee" in reply.body


def test_complain_without_text_explains_how(db, client, callback_token):
    reply = send_sms(client, callback_token, "COMPLAIN")

    assert reply.template == "complain_usage"
    assert Grievance.objects.count() == 0


def test_track_understands_a_reference_typed_in_arabic_digits(db, client, callback_token):
    grievance = file_grievance(category="other", description="x", channel="web", language="en", phone=SENDER).grievance
    arabic = "".join("٠١٢٣٤٥٦٧٨٩"[int(d)] for d in grievance.reference)

    assert send_sms(client, callback_token, f"تتبع {arabic}").template == "track_reply"


def test_track_without_a_reference_explains_how(db, client, callback_token):
    assert send_sms(client, callback_token, "TRACK").template == "track_usage"


def test_track_with_a_mistyped_reference_says_so(db, client, callback_token):
    grievance = file_grievance(category="other", description="x", channel="web", language="en", phone=SENDER).grievance
    wrong = grievance.reference[:-1] + str((int(grievance.reference[-1]) + 1) % 10)

    assert send_sms(client, callback_token, f"TRACK {wrong}").template == "track_bad_reference"


def test_track_from_another_phone_needs_the_pin(db, client, callback_token):
    filed = file_grievance(category="other", description="x", channel="ussd", language="en", anonymous=True)
    reference = filed.grievance.reference

    assert send_sms(client, callback_token, f"TRACK {reference}").template == "track_pin_required"
    wrong_pin = f"{(int(filed.pin) + 1) % 10000:04d}"
    assert send_sms(client, callback_token, f"TRACK {reference} {wrong_pin}").template == "track_bad_pin"
    assert send_sms(client, callback_token, f"TRACK {reference} {filed.pin}").template == "track_reply"


def test_track_after_an_officers_reply_says_where_to_read_it_and_never_quotes_it(db, client, callback_token):
    grievance = file_grievance(
        category="payment_not_received", description="No money", channel="web", language="en", phone=SENDER
    ).grievance
    officer = make_staff("olive", GRIEVANCE_OFFICER)
    transition(grievance, "assign", officer, assignee=officer)
    transition(grievance, "resolve", officer, outcome="upheld", text="Paid again to your M-Pesa 0712 345 678.")
    OutboundMessage.objects.all().delete()

    reply = send_sms(client, callback_token, f"TRACK {grievance.reference}")

    assert reply.template == "track_reply_to_read"
    assert "*384*1#" in reply.body and "Resolved" in reply.body
    assert "M-Pesa" not in reply.body and "Answer by" not in reply.body


def test_track_of_a_closed_case_without_words_gives_its_status_only(db, client, callback_token):
    grievance = file_grievance(category="other", description="x", channel="web", language="en", phone=SENDER).grievance
    transition(grievance, "reject", make_staff("olive", GRIEVANCE_OFFICER), reason="duplicate")

    reply = send_sms(client, callback_token, f"TRACK {grievance.reference}")

    assert reply.template == "track_closed" and "Answer by" not in reply.body


def test_language_without_a_known_language_explains_how(db, client, callback_token):
    assert send_sms(client, callback_token, "LANGUAGE klingon").template == "language_usage"
    assert not PhonePreference.objects.filter(phone=SENDER).exists()


def test_stop_keeps_replies_and_sign_in_codes_but_not_news(db, client, callback_token):
    from sms.outbox import enqueue

    send_sms(client, callback_token, "STOP")

    assert send_sms(client, callback_token, "HELP") is not None
    assert enqueue(SENDER, "sign_in_code", "en", {"code": "123456"}) is not None
    assert enqueue(SENDER, "status_none", "en", {}, essential=False) is None
