"""The public statistics page in a real browser (Debian's Chromium), in all four languages.

The charts read in the page's direction: in Arabic the months run from right to left and the
scale stands on the right. Screenshots are saved under tests/artifacts/.
"""

from __future__ import annotations

import pytest

from tests.test_browser_portal import CHROMIUM, browser, screenshot, site  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]

HEADINGS = {"en": "Complaints in numbers", "fr": "Les plaintes en chiffres", "sw": "Malalamiko kwa takwimu"}


@pytest.fixture
def published(site):  # noqa: F811 - the demo site fixture
    from grievances.public_stats import make_snapshot
    from tests.stats_helpers import Cases, make_cases, periods_now

    for n, month in enumerate(periods_now().months):
        make_cases(
            Cases(30 + 3 * n, month, area=site["kilifi"], answered_after_days=4, rating=4),
            Cases(12, month, area=site["kibra"], channel="ussd", answered_after_days=18, late=True, rating=2),
            Cases(2 + n % 5, month, area=site["westlands"], channel="sms"),
        )
    make_snapshot()


def bar_positions(page) -> list[float]:
    """The left edge of each 'received' bar of the first chart, in the order of the months."""
    return page.eval_on_selector(
        "svg.chart", "svg => [...svg.querySelectorAll('rect.s0')].map(bar => bar.getBoundingClientRect().x)"
    )


@pytest.mark.parametrize("language", ["en", "fr", "sw", "ar"])
def test_the_statistics_page_reads_in_every_language(browser, live_server, published, language):  # noqa: F811
    context = browser.new_context(locale=language, java_script_enabled=False)
    page = context.new_page()
    prefix = "" if language == "en" else f"/{language}"
    page.goto(live_server.url + prefix + "/")
    page.click("footer a[href$='/stats/']")

    assert page.url.endswith(f"{prefix}/stats/")
    assert page.get_attribute("html", "lang") == language
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    if language in HEADINGS:
        assert page.inner_text("h1") == HEADINGS[language]
    assert page.locator("svg.chart").count() == 2
    assert page.locator("main table").count() >= 8
    assert page.locator("script").count() == 0
    positions = bar_positions(page)
    assert len(positions) >= 12
    if language == "ar":
        assert positions == sorted(positions, reverse=True)  # the oldest month on the right
        scale = page.eval_on_selector("svg.chart", "svg => svg.querySelector('text[direction=ltr]').getAttribute('x')")
        assert float(scale) > 320  # the scale stands on the right
    else:
        assert positions == sorted(positions)
    screenshot(page, f"stats-{language}")
    page.click("nav a[href$='/stats/year/']")
    assert page.url.endswith(f"{prefix}/stats/year/")
    page.click("main a[href$='/stats/data/']")
    assert page.locator("a[href$='complaints_by_region.csv']").count() == 1
    context.close()
