"""Dates, amounts and numbers as citizens read them, the same on every channel.

Web pages write dates in the language's own words and order (``12 août 1958``, ``12 Agosti 1958``,
``12 أغسطس 1958``, ``12 August 1958``), through Babel's long date of the language in the deploying
country. SMS and USSD write the same day-month-year order in digits (``sms.templates.sms_date``):
month names would turn a French August SMS or USSD screen into UCS-2 and halve its room. Amounts
always carry their currency and one thousands style, whatever the language (``KES 1,500``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from registry.models import INCOME_BAND_FLOOR


def babel_locale(language: str | None = None) -> str:
    """The Babel locale of ``language`` (the active one by default) in the deploying country, if Babel has it.

    ``en`` in Kenya is ``en_KE`` (12 August 1958), not American English (August 12, 1958).
    """
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    regional = f"{language}_{settings.DEFAULT_PHONE_REGION}"
    try:
        Locale.parse(regional)
    except (UnknownLocaleError, ValueError):
        return language
    return regional


def _day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def format_day(value: date | datetime | None, language: str | None = None) -> str:
    """A day in the words and order of ``language`` (the active one by default): ``12 août 1958``.

    A moment is first turned into the local day. ``None`` gives an empty text.
    """
    if value is None:
        return ""
    return format_date(_day(value), "long", locale=babel_locale(language))


def format_moment(value: datetime | None, language: str | None = None) -> str:
    """A moment as its local day (``format_day``) and 24-hour time: ``12 août 1958 14:05``."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{format_day(local, language)} {format_time(local.time(), 'HH:mm', locale=babel_locale(language))}"


def format_number(value: Decimal | int) -> str:
    """A whole or decimal number grouped in thousands with commas, the one style of every channel: ``1,500``."""
    number = Decimal(value)
    return f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.2f}"


def format_amount(amount: Decimal | int, currency: str | None = None) -> str:
    """An amount as people read it on every channel: ``KES 1,500`` (cents only when there are some).

    ``currency`` defaults to the deployment's (``settings.CURRENCY``).
    """
    return f"{currency or settings.CURRENCY} {format_number(amount)}"


def income_band_label(band: int) -> str:
    """A monthly household income band, its amounts by ``format_amount``: ``Less than KES 2,000 a month``."""
    floors = [INCOME_BAND_FLOOR[key] for key in sorted(INCOME_BAND_FLOOR)]
    band = int(band)
    index = sorted(INCOME_BAND_FLOOR).index(band)
    low = format_amount(floors[index])
    if index == 0:
        return gettext("Less than %(amount)s a month") % {"amount": format_amount(floors[1])}
    if index == len(floors) - 1:
        return gettext("%(amount)s or more a month") % {"amount": low}
    high = format_amount(floors[index + 1] - 1)
    return gettext("%(low)s to %(high)s a month") % {"low": low, "high": high}


def income_band_choices() -> list[tuple[int, str]]:
    """Every income band with its label (``income_band_label``), lowest first, in the active language."""
    return [(band, income_band_label(band)) for band in sorted(INCOME_BAND_FLOOR)]
