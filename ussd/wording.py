"""Lines several screens share. Facts come first on a final screen, so that shortening one to fit
cuts the explanation, never the reference or the PIN."""

from __future__ import annotations

from django.utils.translation import pgettext

from registry.references import format_reference
from sms.encoding import plain_punctuation

# An officer's words read on a phone: enough for any real answer, never an endless list of pages.
MAX_WORDS_TO_READ = 1200


def reference_line(reference: str) -> str:
    """``Ref 2 4821 7730 5``."""
    return pgettext("ussd", "Ref %(reference)s") % {"reference": format_reference(reference)}


def pin_line(pin: str) -> str:
    """``PIN 1234``."""
    return pgettext("ussd", "PIN %(pin)s") % {"pin": pin}


def facts_then(message: str, *facts: str) -> str:
    """A final screen: each fact on its own line, then the message."""
    return "\n".join([*facts, message])


def officer_words(text: str) -> str:
    """What an officer wrote, for a phone screen: one line, plain punctuation, at most a few pages."""
    words = plain_punctuation(" ".join((text or "").split()))
    return words if len(words) <= MAX_WORDS_TO_READ else words[:MAX_WORDS_TO_READ].rstrip() + ".."
