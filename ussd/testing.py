"""A scripted phone for tests and tools: dials the callback endpoint as Africa's Talking does.

Every reply is checked on arrival: HTTP 200, ``text/plain; charset=utf-8``, ``CON``/``END`` and
within the screen budget of its encoding.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse

from sms.encoding import is_gsm7, screen_length

GSM7_HARD_LIMIT = 182
UCS2_HARD_LIMIT = 80


def reference_and_pin(screen: str) -> tuple[str, str]:
    """The reference (digits only) and the PIN shown on a final screen (``""`` when there is none)."""
    groups = re.findall(r"\d+", screen)
    for start in range(len(groups) - 3):
        first, second, third, fourth = groups[start : start + 4]
        if (len(first), len(second), len(third), len(fourth)) == (1, 4, 4, 1):
            rest = groups[start + 4 :]
            pin = rest[0] if rest and len(rest[0]) in (4, 6) else ""
            return first + second + third + fourth, pin
    raise AssertionError(f"No reference on the screen: {screen!r}")


class BudgetExceeded(AssertionError):
    """A screen longer than its encoding allows."""


def check_screen(body: str) -> str:
    """Raise unless ``body`` is a well-formed reply within budget; return the screen text."""
    if not (body.startswith("CON ") or body.startswith("END ")):
        raise AssertionError(f"Reply without CON/END: {body!r}")
    screen = body[4:]
    limit = GSM7_HARD_LIMIT if is_gsm7(screen) else UCS2_HARD_LIMIT
    if screen_length(screen) > limit:
        raise BudgetExceeded(f"{screen_length(screen)} > {limit}: {screen!r}")
    return screen


@dataclass
class UssdPhone:
    """A phone in a USSD session; ``send`` types one input, ``screens`` keeps every reply."""

    client: object
    phone: str = "+254712345678"
    session_id: str = field(default_factory=lambda: "ATUid_" + secrets.token_hex(8))
    service_code: str = ""
    text: str = ""
    started: bool = False
    replies: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return reverse("ussd:at_callback", args=[settings.AT_CALLBACK_TOKEN])

    def post(self, text: str) -> str:
        """Post one hop with ``text`` as the accumulated inputs; return the checked reply."""
        response = self.client.post(
            self.url,
            {
                "sessionId": self.session_id,
                "serviceCode": self.service_code or settings.USSD_SERVICE_CODE,
                "phoneNumber": self.phone,
                "networkCode": "63902",
                "text": text,
            },
        )
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"] == "text/plain; charset=utf-8", response["Content-Type"]
        body = response.content.decode("utf-8")
        check_screen(body)
        return body

    def dial(self) -> str:
        """The first hop (empty ``text``)."""
        self.text, self.started = "", True
        return self._record("", self.post(""))

    def send(self, *values: str) -> str:
        """Type each value in turn; return the last reply."""
        reply = ""
        for value in values:
            self.text = f"{self.text}*{value}" if self.text else value
            reply = self._record(self.text, self.post(self.text))
        return reply

    def every_page(self) -> str:
        """The text of this screen's pages, read with ``98`` and left as found with ``0``."""
        pages = [self.screen]
        while "\n98 " in pages[-1] and len(pages) < 20:
            self.send("98")
            pages.append(self.screen)
        for _page in pages[1:]:
            self.send("0")
        return "\n".join(pages)

    def _record(self, text: str, reply: str) -> str:
        self.texts.append(text)
        self.replies.append(reply)
        return reply

    @property
    def ended(self) -> bool:
        return bool(self.replies) and self.replies[-1].startswith("END ")

    @property
    def screen(self) -> str:
        return self.replies[-1][4:] if self.replies else ""

    @property
    def screen_name(self) -> str:
        """The engine's name for the screen shown now (read from the session store)."""
        from ussd.session import load_session

        state = load_session(self.session_id)
        return state.screen if state else ""

    def hang_up(self) -> None:
        """Post AT's end-of-session notification for this session."""
        self.client.post(
            reverse("ussd:at_events", args=[settings.AT_CALLBACK_TOKEN]),
            {
                "sessionId": self.session_id,
                "serviceCode": settings.USSD_SERVICE_CODE,
                "phoneNumber": self.phone,
                "networkCode": "63902",
                "status": "Success" if self.ended else "Incomplete",
                "hopsCount": str(len(self.replies)),
                "durationInMillis": "42000",
                "input": self.text,
                "lastAppResponse": self.replies[-1] if self.replies else "",
            },
        )


LANGUAGE_KEYS = {"en": "1", "fr": "2", "sw": "3", "ar": "4"}

# Main-menu keys.
APPLY, MY_APPLICATIONS, MY_PAYMENTS, COMPLAINT, TRACK, CALL_ME_BACK, LANGUAGE = "1", "2", "3", "4", "5", "6", "7"


def apply_answers(*, region: str = "1", district: str = "1", name: str = "Amina Wanjiru") -> list[str]:
    """Inputs from the name question to the income band: a 75-year-old woman, household of 4."""
    return [name, "1950", "1", "0", region, district, "4", "2", "1", "0", "1"]


def pick_and_send(programme_count: int, picks: tuple[int, ...] = (1,)) -> list[str]:
    """Inputs from the advice screen to the end: choose, toggle ``picks``, done, agree, send."""
    return ["1", *(str(p) for p in picks), str(programme_count + 2), "1", "1"]
