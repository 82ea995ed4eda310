"""Laying a screen out within its budget: measured in the encoding the phone will use, then paginated.

A USSD string holds at most 182 GSM-7 characters or 80 UCS-2 characters. We aim for 160 in GSM-7
to leave the operators some room. One character outside GSM-7 (Arabic, a typographic quote, an
emoji) makes the whole screen UCS-2, so every candidate page is measured as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sms.encoding import gsm7_length, is_gsm7, screen_length, ucs2_length

GSM7_TARGET = 160
UCS2_TARGET = 80
SHORTENED = ".."


def budget_for(text: str) -> int:
    """The most units ``text`` may use on one screen in its own encoding."""
    return GSM7_TARGET if is_gsm7(text) else UCS2_TARGET


def fits(text: str) -> bool:
    """Tell whether ``text`` fits one screen in its encoding."""
    return screen_length(text) <= budget_for(text)


def shorten(text: str, room: int) -> str:
    """Cut ``text`` so that it uses at most ``room`` units in its own encoding, marking the cut."""
    if screen_length(text) <= room:
        return text
    if room <= len(SHORTENED):
        return text[: max(room, 0)] if room > 0 else ""
    cut = text
    while cut and screen_length(cut) + len(SHORTENED) > room:
        cut = cut[:-1]
    return cut.rstrip() + SHORTENED


def fit_text(text: str) -> str:
    """Return ``text`` unchanged if it fits one screen, else shortened to fit (for final screens)."""
    if fits(text):
        return text
    return shorten(text, budget_for(text))


@dataclass(frozen=True)
class Entry:
    """One line of a list: a numbered option (``key`` set) or a plain line."""

    label: str
    key: str = ""

    def line(self, label: str | None = None) -> str:
        label = self.label if label is None else label
        return f"{self.key} {label}" if self.key else label


def paginate(
    header: str,
    entries: list[Entry],
    footer: list[str],
    *,
    more_line: str,
    back_line: str,
    back_on_first_page: bool,
) -> list[str]:
    """Split ``entries`` into screens that each fit, repeating ``header`` and ``footer`` on every page.

    ``more_line`` (``98 More``) closes every page but the last; ``back_line`` (``0 Back``) is added to
    every page but the first, and to the first when ``back_on_first_page``. A header too long to
    leave room for an entry is shortened; so is an option too long for a page of its own, while a
    plain line that long (a reply to read) goes on over the next pages, cut between words.
    """

    def parts_of(head: str, lines: list[str], more: bool, first: bool) -> list[str]:
        parts = [head] if head else []
        parts += lines
        parts += footer
        if more:
            parts.append(more_line)
        if back_line and (not first or back_on_first_page):
            parts.append(back_line)
        return parts

    def finish(parts: list[str]) -> str:
        page = "\n".join(parts)
        # Last guard: a page that still does not fit (only with absurd footers) is cut to fit.
        return page if _parts_fit(parts) else shorten(page, budget_for(page))

    entries = list(entries)
    lines_of_entries = [entry.line() for entry in entries]
    limit = _measure([header, *footer, *lines_of_entries, more_line, back_line])[1]
    # Keep room under the header for one entry (the longest, up to ENTRY_RESERVE) on the busiest page.
    reserve = min(max((_measure([line])[0] for line in lines_of_entries), default=0), ENTRY_RESERVE)
    fixed = _measure(parts_of("", ["x" * reserve] if reserve else [], len(entries) > 1, False))[0]
    if header and fixed + 1 + _measure([header])[0] > limit:
        header = shorten(header, max(limit - fixed - 1, 0))

    if not entries:
        return [finish(parts_of(header, [], False, True))]

    pages: list[str] = []
    index = 0
    while index < len(entries):
        first = not pages
        lines: list[str] = []
        while index < len(entries):
            more = index < len(entries) - 1
            candidate = [*lines, lines_of_entries[index]]
            if _parts_fit(parts_of(header, candidate, more, first)):
                lines = candidate
                index += 1
            elif lines:
                break
            elif not entries[index].key:
                shown, rest = _split_to_fit(
                    entries[index].label, lambda line, f=first: "\n".join(parts_of(header, [line], True, f))
                )
                lines = [shown]
                if rest:
                    entries[index], lines_of_entries[index] = Entry(rest), rest
                else:
                    index += 1
                break
            else:
                lines = [
                    _shortened_entry(
                        entries[index], lambda line, m=more, f=first: "\n".join(parts_of(header, [line], m, f))
                    )
                ]
                index += 1
                break
        pages.append(finish(parts_of(header, lines, index < len(entries), first)))
    return pages


ENTRY_RESERVE = 24


@lru_cache(maxsize=4096)
def _metrics(text: str) -> tuple[bool, int, int]:
    """``(is GSM-7, GSM-7 units, UCS-2 units)`` of one line, remembered (lines repeat a lot)."""
    gsm = is_gsm7(text)
    return gsm, gsm7_length(text) if gsm else 0, ucs2_length(text)


def _measure(parts: list[str]) -> tuple[int, int]:
    """``(units, budget)`` of ``parts`` joined by newlines, in the encoding of the whole."""
    measured = [_metrics(part) for part in parts]
    newlines = max(len(parts) - 1, 0)
    if all(gsm for gsm, _g, _u in measured):
        return sum(units for _gsm, units, _u in measured) + newlines, GSM7_TARGET
    return sum(units for _gsm, _g, units in measured) + newlines, UCS2_TARGET


def _parts_fit(parts: list[str]) -> bool:
    """Whether ``parts`` joined by newlines fit one screen (the same answer as ``fits``, faster)."""
    units, budget = _measure(parts)
    return units <= budget


def _split_to_fit(text: str, compose) -> tuple[str, str]:
    """Cut a long plain line between words: the part that fits the page ``compose`` builds, then the rest.

    The part shown ends with ``..`` to say that the text goes on. A single word longer than a page
    is cut inside it. At least one character is always taken, so the rest is always shorter.
    """
    text = text.strip()
    words = text.split(" ")

    def most(count: int, fit) -> int:
        """The largest ``n`` in ``0..count`` with ``fit(n)`` (``fit`` holds up to a point, then fails)."""
        low, high = 0, count
        while low < high:
            middle = (low + high + 1) // 2
            if fit(middle):
                low = middle
            else:
                high = middle - 1
        return low

    shown = most(len(words), lambda n: fits(compose(" ".join(words[:n]) + SHORTENED)))
    if shown == len(words):
        return text, ""
    if shown:
        return " ".join(words[:shown]) + SHORTENED, " ".join(words[shown:]).lstrip()
    cut = max(1, most(len(words[0]), lambda n: fits(compose(text[:n] + SHORTENED))))
    return text[:cut] + SHORTENED, text[cut:].lstrip()


def _shortened_entry(entry: Entry, compose) -> str:
    """The entry's line, its label cut so that the page ``compose`` builds around it fits."""
    label = entry.label
    page = compose(entry.line(label))
    room = screen_length(entry.label) - (screen_length(page) - budget_for(page))
    label = shorten(entry.label, room)
    while label and not fits(compose(entry.line(label))):
        label = label[:-1]
    return entry.line(label)
