"""Reading SMS commands is forgiving about case, spacing, punctuation, accents and Arabic spelling."""

from __future__ import annotations

import pytest

from sms.commands import parse_command, parse_language_argument, parse_track_argument
from sms.keywords import KEYWORDS


@pytest.mark.parametrize(
    ("text", "command", "argument"),
    [
        ("STATUS", "status", ""),
        ("   sTaTuS   ", "status", ""),
        ("*status*", "status", ""),
        ("Status?", "status", ""),
        ("etat", "status", ""),
        ("ÉTAT", "status", ""),
        ("Complain: my money   did not come", "complain", "my money did not come"),
        ("plainte  l'agent m'a demandé de l'argent", "complain", "l'agent m'a demandé de l'argent"),
        ("Track 2 4821 7730 5", "track", "2 4821 7730 5"),
        ("TRACK2482177305", "track", "2482177305"),
        ("suivi: 2-4821-7730-5 1234", "track", "2-4821-7730-5 1234"),
        ("call me please", "call", "me please"),
        ("Début", "start", ""),
        ("debut", "start", ""),
        ("arret", "stop", ""),
        ("lugha sw", "language", "sw"),
        ("حالة", "status", ""),
        ("الحالة", "status", ""),
        ("حَالَة", "status", ""),
        ("حالـه", "status", ""),
        ("؟مساعدة؟", "help", ""),
        ("شكوى لم يصلني المبلغ", "complain", "لم يصلني المبلغ"),
        ("تتبع ٢٤٨٢١٧٧٣٠٥", "track", "٢٤٨٢١٧٧٣٠٥"),
        ("ايقاف", "stop", ""),
        ("ابدا", "start", ""),
        ("اللغة العربية", "language", "العربية"),
    ],
)
def test_a_keyword_is_found_however_it_is_typed(text, command, argument):
    parsed = parse_command(text)

    assert parsed.command == command
    assert parsed.argument == argument


@pytest.mark.parametrize("text", ["", "   ", "hello there", "1234", "??", "statuses please", "trackme"])
def test_text_without_a_keyword_is_not_a_command(text):
    assert parse_command(text).command is None


def test_a_keyword_knows_its_languages():
    assert parse_command("HALI").languages == ("sw",)
    assert parse_command("stop").languages == ("en", "fr")
    assert parse_command("لغة").languages == ("ar",)


def test_every_keyword_of_every_language_is_understood():
    for language, table in KEYWORDS.items():
        for command, words in table.items():
            for word in words:
                parsed = parse_command(word)
                assert parsed.command == command, word
                assert language in parsed.languages, word


@pytest.mark.parametrize(
    ("argument", "reference", "pin"),
    [
        ("2 4821 7730 5", "2482177305", ""),
        ("2-4821-7730-5 1234", "2482177305", "1234"),
        ("24821773051234", "2482177305", "1234"),
        ("٢٤٨٢١٧٧٣٠٥ ١٢٣٤", "2482177305", "1234"),
        ("12", "12", ""),
        ("", "", ""),
    ],
)
def test_a_tracking_argument_gives_the_reference_and_the_pin(argument, reference, pin):
    assert parse_track_argument(argument) == (reference, pin)


@pytest.mark.parametrize(
    ("argument", "language"),
    [
        ("fr", "fr"),
        ("FR", "fr"),
        ("Français", "fr"),
        ("kiswahili", "sw"),
        ("English please", "en"),
        ("العربية", "ar"),
        ("عربي", "ar"),
        ("klingon", None),
        ("", None),
    ],
)
def test_a_language_is_named_by_its_code_or_its_name(argument, language):
    assert parse_language_argument(argument) == language
