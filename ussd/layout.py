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
    """One line of a list: a numbered option (``key`` set) or a plain line.

    ``tail`` ends the line and is never shortened (a status after a programme's name); ``reserve``
    is how many characters the label may grow by (a selection mark): pages are laid out as if it
    had, so that marking an option never moves it to another page.
    """

    label: str
    key: str = ""
    tail: str = ""
    reserve: int = 0

    def line(self, label: str | None = None) -> str:
        label = self.label if label is None else label
        text = label + self.tail
        return f"{self.key} {text}" if self.key else text

    def sizing_line(self, label: str | None = None) -> str:
        """The line as wide as it may become, for laying pages out."""
        return self.line(label) + "x" * self.reserve


@dataclass(frozen=True)
class Page:
    """One screen of a list: its text, where it starts in the entries and which numbered ones it shows.

    ``first`` is the index of the first entry on the page (``continued`` when that entry is a long
    line begun on the page before); ``keys`` are the numbers of the options the page shows.
    """

    text: str
    first: int
    keys: tuple[str, ...] = ()
    continued: bool = False


def paginate(
    header: str,
    entries: list[Entry],
    footer: list[str],
    *,
    more_line: str,
    back_line: str,
    back_on_first_page: bool,
    error: str = "",
) -> list[str]:
    """The texts of the pages ``lay_out`` makes."""
    pages = lay_out(
        header,
        entries,
        footer,
        more_line=more_line,
        back_line=back_line,
        back_on_first_page=back_on_first_page,
        error=error,
    )
    return [page.text for page in pages]


def lay_out(
    header: str,
    entries: list[Entry],
    footer: list[str],
    *,
    more_line: str,
    back_line: str,
    back_on_first_page: bool,
    error: str = "",
    break_before: int | None = None,
    pageable: bool = True,
) -> list[Page]:
    """Split ``entries`` into screens that each fit, repeating ``header`` and ``footer`` on every page.

    ``more_line`` (``98 More``) closes every page but the last; ``back_line`` (``0 Back``) is added to
    every page but the first, and to the first when ``back_on_first_page``. ``error`` goes above
    the header. What the person must read is never cut: facts are plain lines, and a plain line
    longer than the room left on a page goes on the next page whole, or over as many pages as it
    needs, cut between words. A header too long to leave room for an entry gives way: under an
    error the error alone heads the pages (the question was read already); above plain lines only
    it is read as their first lines; above options it is shortened, so that every page holds at
    least one option. An option's label (a name, never its ``tail``) is shortened only when even
    a page of its own cannot hold it. ``break_before`` starts a page at that entry (the page the
    person was on stays where it was). A screen that is not ``pageable`` (a question answered
    with typed text) is one page, its header shortened as a last resort.
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
    heading = "\n".join(part for part in (error, header) if part)
    limit = _measure([heading, *footer, *(entry.sizing_line() for entry in entries), more_line, back_line])[1]
    # Keep room under the heading for one entry (the longest, up to ENTRY_RESERVE) on the busiest page.
    reserve = min(max((_measure([entry.sizing_line()])[0] for entry in entries), default=0), ENTRY_RESERVE)
    empty = _measure(parts_of("", [], len(entries) > 1 and pageable, False))[0]
    fixed = _measure(parts_of("", ["x" * reserve] if reserve else [], len(entries) > 1 and pageable, False))[0]
    lead: list[Entry] = []
    if heading and fixed + 1 + _measure([heading])[0] > limit:
        options = any(entry.key for entry in entries)
        if error and empty + 1 + _measure([error])[0] + 1 + min(reserve, MIN_OPTION_ROOM) <= limit:
            heading = error
        elif pageable and not options:
            lead = [Entry(line) for line in heading.split("\n")]
            heading = ""
        else:
            heading = shorten(heading, max(limit - fixed - 1, 0))

    if not entries and not lead:
        return [Page(finish(parts_of(heading, [], False, True)), 0)]

    offset = len(lead)
    entries = lead + entries
    stop = None if break_before is None else break_before + offset
    pages: list[Page] = []
    index = 0
    carried = False
    while index < len(entries):
        first = not pages
        start, continued = index, carried
        sized: list[str] = []
        shown: list[str] = []
        keys: list[str] = []
        while index < len(entries):
            if index == stop and sized:
                break
            entry = entries[index]
            more = index < len(entries) - 1
            candidate = [*sized, entry.sizing_line()]
            if _parts_fit(parts_of(heading, candidate, more, first)):
                sized, shown = candidate, [*shown, entry.line()]
                keys += [entry.key] if entry.key else []
                index, carried = index + 1, False
            elif sized:
                break
            elif not entry.key:
                part, rest = _split_to_fit(
                    entry.label, lambda line, f=first: "\n".join(parts_of(heading, [line], True, f))
                )
                sized, shown = [part], [part]
                if rest:
                    entries[index], carried = Entry(rest), True
                else:
                    index, carried = index + 1, False
                break
            else:
                label = _shortened_label(
                    entry, lambda line, m=more, f=first: "\n".join(parts_of(heading, [line], m, f))
                )
                sized, shown, keys = [entry.sizing_line(label)], [entry.line(label)], [entry.key]
                index, carried = index + 1, False
                break
        more = index < len(entries) and pageable
        pages.append(
            Page(finish(parts_of(heading, shown, more, first)), max(start - offset, 0), tuple(keys), continued)
        )
        if not pageable:
            break
    return pages


ENTRY_RESERVE = 24
# Under an error, the least room left for an option's label (shortened) when the question gives way.
MIN_OPTION_ROOM = 8


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


def _shortened_label(entry: Entry, compose) -> str:
    """The entry's label cut (never its tail) so that the page ``compose`` builds around its line fits."""
    page = compose(entry.sizing_line())
    room = screen_length(entry.label) - (screen_length(page) - budget_for(page))
    label = shorten(entry.label, room)
    while label and not fits(compose(entry.sizing_line(label))):
        label = label[:-1]
    return label
