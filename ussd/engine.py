"""The menu engine: screens are small objects; the engine numbers, paginates, navigates and counts errors.

A screen renders a ``Prompt`` (its text, numbered options, plain lines, fixed actions) and handles
one input, returning an outcome: go to another screen, stay with an error, or end the session.
The engine owns everything generic: option numbers, ``98 More`` / ``0 Back`` pagination measured in
the screen's encoding, ``00`` for the main menu, re-showing a screen with a short error and ending
the session politely after three wrong answers in a row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings
from django.utils import translation
from django.utils.translation import pgettext

from registry.digits import ascii_digits
from registry.preferences import language_for_phone
from ussd.layout import Entry, Page, fit_text, lay_out
from ussd.session import SessionState, delete_draft, draft_of, load_draft

MAIN_MENU_KEY = "00"
MORE_KEY = "98"
BACK_KEY = "0"
MAX_INVALID_IN_A_ROW = 3
MAIN_SCREEN = "main"
LANGUAGE_SCREEN = "language"
RESUME_SCREEN = "resume"


# --- What screens render -------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """A choice shown with a number; ``value`` is what the screen receives when it is chosen.

    ``tail`` ends the label and is never shortened to fit (a status after a name); ``reserve`` is
    how many characters the label may grow by (a selection mark), kept free so that it never moves.
    """

    label: str
    value: Any
    tail: str = ""
    reserve: int = 0


@dataclass
class Prompt:
    """What a screen shows: its text, then plain ``lines`` and numbered ``options`` (both paginated),
    then ``actions`` (numbered after the options, on every page)."""

    text: str
    options: list[Option] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    actions: list[Option] = field(default_factory=list)


# --- What screens return -------------------------------------------------------------------------


@dataclass(frozen=True)
class Goto:
    """Show ``screen`` next; ``remember`` puts the current screen behind it for ``0 Back``."""

    screen: str
    params: dict[str, Any] | None = None
    remember: bool = True


@dataclass(frozen=True)
class Stay:
    """Show the current screen again, with ``error`` above it when the answer was not understood."""

    error: str = ""


@dataclass(frozen=True)
class End:
    """Show ``text`` and hang up; ``screen`` names the ending for the funnel report."""

    text: str
    screen: str = ""
    completed: bool = False


@dataclass(frozen=True)
class _Back:
    pass


@dataclass(frozen=True)
class _Page:
    delta: int


@dataclass(frozen=True)
class _MainMenu:
    pass


Outcome = Goto | Stay | End | _Back | _Page | _MainMenu


class Invalid(Exception):
    """An answer a screen cannot accept; ``message`` is shown above the screen."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- The context a screen works with --------------------------------------------------------------


class Context:
    """The session as a screen sees it: who, in which language, the answers so far, this screen's params."""

    def __init__(self, state: SessionState):
        self.state = state
        self._memo: dict[str, Any] = {}

    @property
    def phone(self) -> str:
        return self.state.phone

    @property
    def session_id(self) -> str:
        return self.state.session_id

    @property
    def language(self) -> str:
        return self.state.language or settings.LANGUAGE_CODE

    @property
    def answers(self) -> dict[str, Any]:
        return self.state.answers

    @property
    def params(self) -> dict[str, Any]:
        return self.state.params

    def set_language(self, language: str) -> None:
        """Switch the session to ``language`` from the next screen on."""
        self.state.language = language
        translation.activate(language)

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        """Compute ``key`` once per hop (screens render more than once in a hop)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def forget(self) -> None:
        """Drop what ``once`` remembered about the session (after an answer changed it).

        Reference lists (keys starting with ``lists:``) stay: they do not depend on the answers.
        """
        self._memo = {key: value for key, value in self._memo.items() if key.startswith("lists:")}


# --- Screens -------------------------------------------------------------------------------------


class Screen:
    """A screen: ``render`` what to show, ``handle`` one input. Subclasses set ``name``."""

    name: ClassVar[str] = ""
    journey: ClassVar[str] = ""
    is_menu: ClassVar[bool] = False
    # Whether only the numbers shown on the current page act (where a hidden number would toggle
    # something the person cannot see).
    only_numbers_shown: ClassVar[bool] = False

    def render(self, ctx: Context) -> Prompt:
        raise NotImplementedError

    def handle(self, ctx: Context, value: str) -> Outcome:
        raise NotImplementedError

    def enter(self, ctx: Context) -> Outcome | None:
        """Run when the screen is reached by ``Goto``; return an outcome to go elsewhere instead."""
        return None

    def allows_back(self, ctx: Context) -> bool:
        """Whether ``0`` goes back from this screen's first page."""
        return bool(ctx.state.history)


class MenuScreen(Screen):
    """A screen whose answer is the number of one of its options or actions."""

    is_menu = True

    def choose(self, ctx: Context, value: Any) -> Outcome:
        raise NotImplementedError

    def handle(self, ctx: Context, value: str) -> Outcome:
        prompt = self.render(ctx)
        numbered = [*prompt.options, *prompt.actions]
        if value.isascii() and value.isdigit() and 1 <= int(value) <= len(numbered):
            shown = ctx.state.shown
            if self.only_numbers_shown and shown and str(int(value)) not in shown:
                return Stay(pgettext("ussd", "Choose a number shown on this page."))
            return self.choose(ctx, numbered[int(value) - 1].value)
        return Stay(pgettext("ussd", "Choose a number from the list."))


class InputScreen(Screen):
    """A question answered with typed text: ``clean`` validates it, ``accept`` moves on."""

    # Where ``0`` is no valid answer, it means "back", forgivingly.
    zero_is_an_answer: ClassVar[bool] = False

    def clean(self, ctx: Context, raw: str) -> Any:
        raise NotImplementedError

    def accept(self, ctx: Context, value: Any) -> Outcome:
        raise NotImplementedError

    def handle(self, ctx: Context, value: str) -> Outcome:
        try:
            cleaned = self.clean(ctx, value)
        except Invalid as exc:
            return Stay(exc.message)
        return self.accept(ctx, cleaned)


class ConfirmScreen(MenuScreen):
    """A yes / no question before something happens."""

    def question(self, ctx: Context) -> str:
        raise NotImplementedError

    def yes_label(self) -> str:
        return pgettext("ussd", "Yes")

    def no_label(self) -> str:
        return pgettext("ussd", "No")

    def render(self, ctx: Context) -> Prompt:
        return Prompt(self.question(ctx), options=[Option(self.yes_label(), True), Option(self.no_label(), False)])

    def choose(self, ctx: Context, value: Any) -> Outcome:
        return self.confirm(ctx) if value else self.cancel(ctx)

    def confirm(self, ctx: Context) -> Outcome:
        raise NotImplementedError

    def cancel(self, ctx: Context) -> Outcome:
        return _MainMenu()


SCREENS: dict[str, Screen] = {}
# Journeys whose progress is kept per phone for 24 hours, with the answer keys to keep.
DRAFT_JOURNEYS: dict[str, frozenset[str]] = {}


def register(cls: type[Screen]) -> type[Screen]:
    """Class decorator: make the screen reachable by its ``name``."""
    if not cls.name or cls.name in SCREENS:
        raise ValueError(f"Screen name missing or taken: {cls.name!r}")
    SCREENS[cls.name] = cls()
    return cls


def main_menu() -> Outcome:
    """An outcome that returns to the main menu (what ``00`` does)."""
    return _MainMenu()


# --- The engine ----------------------------------------------------------------------------------


@dataclass
class _Turn:
    error: str = ""
    end: End | None = None


def respond(state: SessionState, value: str | None) -> str:
    """Advance ``state`` by one input (``None`` on a first hop with nothing typed) and return the reply.

    The reply starts with ``CON `` or ``END ``; its text fits one screen in its encoding.
    """
    ctx = Context(state)
    turn = _Turn()
    with translation.override(ctx.language):
        if not state.screen:
            _apply(ctx, turn, _start(ctx))
        if value is not None and turn.end is None:
            screen = SCREENS[state.screen]
            _apply(ctx, turn, _interpret(ctx, screen, ascii_digits(value.strip())))
    with translation.override(ctx.language):
        if turn.end is not None:
            state.ended = True
            state.completed = turn.end.completed
            state.visit(turn.end.screen or state.screen)
            return "END " + fit_text(turn.end.text)
        screen = SCREENS[state.screen]
        page = _show(ctx, screen, turn.error)
        return "CON " + page.text


def _show(ctx: Context, screen: Screen, error: str) -> Page:
    """The page of ``screen`` to show now, remembering where it begins and which numbers it shows.

    After an answer that stays on the screen (a choice toggled, an error), the page begins with the
    same entry as before, so that nothing the person was looking at moves to another page. Under
    an error the page shows what it can of the same options (on a screen where only the numbers
    shown act, the error stands in for the question when it must), and the numbers of the page as
    it was without the error still act.
    """
    state = ctx.state
    anchor = state.page_start if state.page_start > 0 else None
    if anchor is not None:
        state.page_break = anchor
    layout_break = state.page_break if state.page_break > 0 else None
    options = len(screen.render(ctx).options) if screen.is_menu else 0
    pages = page_layout(ctx, screen, error, break_before=layout_break)
    index = _page_to_show(pages, state.page, anchor)
    before = {key for key in state.shown if key.isdigit() and int(key) <= options}
    if error and screen.only_numbers_shown and not before <= set(pages[index].keys):
        # The error took the room of options the person was looking at: it stands in for the question.
        pages = page_layout(ctx, screen, error, break_before=layout_break, question=False)
        index = _page_to_show(pages, state.page, anchor)
    page = pages[index]
    keys = list(page.keys)
    if error:  # the same page without the error: where 98 and 0 go from, and whose numbers still act
        plain = page_layout(ctx, screen, break_before=layout_break)
        state.page = _page_to_show(plain, index, anchor)
        keys += [key for key in plain[state.page].keys if key not in keys]
    else:
        state.page = index
    state.page_start = -1 if page.continued else page.first
    state.shown = [*keys, *_action_numbers(ctx, screen, options)]
    return page


def _page_to_show(pages: list[Page], page: int, start: int | None) -> int:
    """The page that begins where the person's page began (so it does not move), else page ``page``."""
    if start is not None:
        for number, candidate in enumerate(pages):
            if candidate.first == start and not candidate.continued:
                return number
    return min(page, len(pages) - 1)


def _action_numbers(ctx: Context, screen: Screen, options: int) -> list[str]:
    """The numbers of a menu's actions (shown on every page)."""
    if not screen.is_menu:
        return []
    return [str(number) for number in range(options + 1, options + 1 + len(screen.render(ctx).actions))]


def render_pages(ctx: Context, screen: Screen, error: str = "") -> list[str]:
    """Every page of ``screen`` as the person would see it, each within its budget."""
    return [page.text for page in page_layout(ctx, screen, error)]


def page_layout(
    ctx: Context, screen: Screen, error: str = "", *, break_before: int | None = None, question: bool = True
) -> list[Page]:
    """The pages of ``screen`` (``break_before``: an entry that must begin a page), each within its budget.

    ``question=False`` leaves the screen's text out (an error above says what to do instead).
    """
    prompt = screen.render(ctx)
    entries = [Entry(line) for line in prompt.lines]
    entries += [
        Entry(option.label, str(number), tail=option.tail, reserve=option.reserve)
        for number, option in enumerate(prompt.options, 1)
    ]
    first_action = len(prompt.options) + 1
    footer = [f"{number} {action.label}" for number, action in enumerate(prompt.actions, first_action)]
    # gettext calls stay outside f-strings so that the catalog extractor sees them.
    back_label = pgettext("ussd", "Back")
    more_label = pgettext("ussd", "More")
    back = f"{BACK_KEY} {back_label}" if screen.is_menu else ""
    return lay_out(
        prompt.text if question else "",
        entries,
        footer,
        more_line=f"{MORE_KEY} {more_label}",
        back_line=back,
        back_on_first_page=screen.is_menu and screen.allows_back(ctx),
        error=error,
        break_before=break_before,
        pageable=screen.is_menu,
    )


def _start(ctx: Context) -> Outcome:
    """Where a new session begins: the language choice, an unfinished application, or the main menu."""
    language = language_for_phone(ctx.phone)
    if language not in dict(settings.LANGUAGES):
        return Goto(LANGUAGE_SCREEN, remember=False)
    ctx.set_language(language)
    return after_language(ctx)


def after_language(ctx: Context) -> Outcome:
    """Once the language is known: offer to resume an unfinished application, else the main menu."""
    draft = load_draft(ctx.phone)
    if draft is not None and draft.get("screen") in SCREENS:
        return Goto(RESUME_SCREEN, {"draft": draft}, remember=False)
    return _MainMenu()


def _interpret(ctx: Context, screen: Screen, value: str) -> Outcome:
    """Turn one input into an outcome: navigation keys first, then the screen's own answer."""
    if value == MAIN_MENU_KEY:
        return _MainMenu()
    if screen.is_menu:
        if value == MORE_KEY:
            layout_break = ctx.state.page_break if ctx.state.page_break > 0 else None
            pages = page_layout(ctx, screen, break_before=layout_break)
            if ctx.state.page + 1 < len(pages):
                return _Page(+1)
            return Stay(pgettext("ussd", "There is no more."))
        if value == BACK_KEY:
            if ctx.state.page > 0:
                return _Page(-1)
            if screen.allows_back(ctx):
                return _Back()
            return Stay(pgettext("ussd", "Choose a number from the list."))
    elif value == BACK_KEY and not screen.zero_is_an_answer and ctx.state.history:
        return _Back()
    return screen.handle(ctx, value)


def _apply(ctx: Context, turn: _Turn, outcome: Outcome) -> None:
    """Carry out an outcome on the session, following screens' ``enter`` redirections."""
    state = ctx.state
    for _hop in range(10):
        ctx.forget()
        if isinstance(outcome, Stay):
            if outcome.error:
                state.invalid_count += 1
                if state.invalid_count >= MAX_INVALID_IN_A_ROW:
                    turn.end = End(pgettext("ussd", "Too many wrong answers. Please dial again later."))
                    return
                turn.error = outcome.error
            else:
                state.invalid_count = 0
            return
        state.invalid_count = 0
        if isinstance(outcome, End):
            turn.end = outcome
            return
        if isinstance(outcome, _Page):
            state.page, state.page_start = max(0, state.page + outcome.delta), -1
            return
        if isinstance(outcome, _Back):
            previous = state.history.pop() if state.history else None
            if previous is None:
                outcome = _MainMenu()
                continue
            state.screen, state.params, state.page = previous["screen"], previous["params"], previous["page"]
            state.page_start = state.page_break = -1
            state.visit(state.screen)
            return
        if isinstance(outcome, _MainMenu):
            state.history = []
            outcome = Goto(MAIN_SCREEN if state.language else LANGUAGE_SCREEN, remember=False)
        if isinstance(outcome, Goto):
            if outcome.remember and state.screen:
                state.history.append({"screen": state.screen, "params": state.params, "page": state.page})
            state.screen, state.params, state.page = outcome.screen, dict(outcome.params or {}), 0
            state.page_start, state.page_break, state.shown = -1, -1, []
            state.visit(state.screen)
            redirect = SCREENS[state.screen].enter(ctx)
            if redirect is None:
                return
            outcome = redirect
    raise RuntimeError("Screens redirect in a loop.")


def draft_to_keep(state: SessionState) -> dict[str, Any] | None:
    """The unfinished application to keep for 24 hours after this hop, if the session is in one."""
    if state.ended or state.screen not in SCREENS:
        return None
    keys = DRAFT_JOURNEYS.get(SCREENS[state.screen].journey)
    if keys and any(key in state.answers for key in keys):
        return draft_of(state, keys)
    return None


def discard_draft(ctx: Context) -> None:
    """Forget the phone's unfinished application (it was sent or given up)."""
    delete_draft(ctx.phone)
