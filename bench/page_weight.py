"""Page weight: what a citizen's phone downloads for the main pages, compressed, in every language.

    python bench/page_weight.py

Builds a throw-away SQLite database with the demo areas, programmes and pages, then fetches the
home page, an apply step (the pre-screen advice, the longest question page), the account page, a
tracking result and the public statistics (a year of made-up cases in every district, worked out
into a snapshot) through Django's test client. Each figure is the gzip size of the HTML plus the
gzip size of the stylesheet (the only other file a page loads: no scripts, no fonts, no images;
the browser also asks once for the 200-byte icon, a static file the CSP allows where ``data:`` is not).
Exits with status 1 when any page is over the budget of 30 KB.
"""

from __future__ import annotations

import gzip
import logging
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_BYTES = 30 * 1024
LANGUAGES = ("en", "fr", "sw", "ar")
PHONE = "+254711000222"


def setup_django(database: Path) -> None:
    """Point Django at a fresh SQLite file and migrate it."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from portal.i18n_catalogs import compile_catalogs

    compile_catalogs()
    call_command("migrate", verbosity=0, interactive=False)
    logging.disable(logging.WARNING)  # the console SMS gateway logs every code; keep the table readable


def seed() -> dict:
    """Demo areas, programmes and pages; one application and one complaint to show."""
    from demo.areas_and_programmes import create_areas
    from demo.pages import create_site
    from grievances.services import file_grievance
    from registry.services import ApplicantDetails, HouseholdDetails, submit_application

    areas = create_areas()
    create_site()
    result = submit_application(
        applicant=ApplicantDetails("Amina", "Hassan", "female", PHONE, 1950),
        household=HouseholdDetails(4, 1, 2, 1, 1, areas["mombasa"].pk),
        programme_codes=["old-age-pension", "disability-grant", "emergency-cash"],
        channel="web",
        language="en",
        consent_given=True,
    )
    filing = file_grievance(
        category="payment_not_received",
        description="No payment in May.",
        channel="web",
        language="en",
        anonymous=True,
    )
    seed_statistics(areas)
    return {"areas": areas, "application": result.application, "complaint": filing.grievance, "pin": filing.pin}


def seed_statistics(areas: dict) -> None:
    """A year of cases in every district (some months and places with a handful), then the snapshot."""
    import random
    from datetime import datetime, timedelta

    from django.utils import timezone

    from grievances.models import SENSITIVE_CATEGORIES, Category, Grievance
    from grievances.public_periods import Periods
    from grievances.public_stats import make_snapshot
    from registry.models import AdminArea, Channel

    rng = random.Random(7)
    districts = list(AdminArea.objects.filter(level=AdminArea.Level.DISTRICT))
    periods = Periods.for_day(timezone.localdate())
    rows, number = [], 0
    for month in periods.months:
        for district in districts:
            for _n in range(rng.choice([2, 6, 15, 30])):
                number += 1
                created = timezone.make_aware(datetime(month.year, month.month, rng.randint(1, 28), 10))
                category = rng.choice(Category.values)
                row = Grievance(
                    reference=f"29{number:08d}",
                    category=category,
                    is_sensitive=category in SENSITIVE_CATEGORIES,
                    channel=rng.choice(Channel.values),
                    description="Made up for the page weight benchmark.",
                    area=district if rng.random() > 0.05 else None,
                    due_at=created + timedelta(days=14),
                    level_started_at=created,
                    created_at=created,
                )
                if rng.random() < 0.8:
                    row.status, row.resolution_outcome = Grievance.Status.RESOLVED, Grievance.Outcome.UPHELD
                    row.resolved_at = created + timedelta(days=rng.randint(0, 25))
                    row.sla_breached = row.resolved_at > row.due_at
                    if rng.random() < 0.5:
                        row.rating, row.rated_at = rng.randint(1, 5), row.resolved_at + timedelta(hours=3)
                rows.append(row)
    created_at = {row.reference: row.created_at for row in rows}
    Grievance.objects.bulk_create(rows, batch_size=500)
    for reference, when in created_at.items():  # created_at is set on insert; put the made-up dates back
        Grievance.objects.filter(reference=reference).update(created_at=when)
    make_snapshot()


def stylesheet_gzip_bytes() -> int:
    from django.contrib.staticfiles import finders

    return len(gzip.compress(Path(finders.find("portal/site.css")).read_bytes(), compresslevel=6))


def citizen_url(name: str, language: str, *args) -> str:
    from django.urls import reverse
    from django.utils import translation

    with translation.override(language):
        return reverse(f"portal:{name}", args=args or None)


def fetch_pages(language: str, data: dict) -> dict[str, bytes]:
    """The pages in ``language``, fetched as a citizen would reach them."""
    from django.test import Client

    from content.models import HomePage
    from portal.models import PhoneDevice
    from sms.models import OutboundMessage

    client = Client()
    pages: dict[str, bytes] = {}
    home = HomePage.objects.get(locale__language_code=language)
    pages["home"] = client.get(home.url).content

    district = data["areas"]["mombasa"]
    answers = [
        ("name", {"given_name": "Amina", "family_name": "Hassan"}),
        ("date-of-birth", {"day": "3", "month": "4", "year": "1950"}),
        ("sex", {"sex": "female"}),
        ("national-id", {"national_id": ""}),
        ("household", {"household_size": "4"}),
        ("children", {"children_under_18": "2", "children_under_5": "1"}),
        ("disability", {"members_with_disability": "1"}),
        ("region", {"region": str(district.parent_id)}),
        ("district", {"district": str(district.pk)}),
        ("income", {"income_band": "1"}),
    ]
    for step, fields in answers:
        client.post(citizen_url("apply_step", language, step), fields)
    pages["apply step (advice)"] = client.get(citizen_url("apply_step", language, "advice")).content

    PhoneDevice.objects.filter(phone=PHONE).update(sent_at=[])  # one code per language, a minute apart
    client.post(citizen_url("sign_in", language), {"phone": PHONE})
    body = OutboundMessage.objects.filter(to=PHONE, template="sign_in_code").latest("id").body
    client.post(citizen_url("sign_in_code", language), {"code": re.search(r"\d{6}", body).group(0)})
    pages["account"] = client.get(citizen_url("account", language)).content
    client.post(citizen_url("sign_out", language))

    tracked = client.post(
        citizen_url("track", language), {"reference": data["complaint"].reference, "pin": data["pin"]}
    )
    pages["tracking"] = tracked.content
    pages["statistics"] = client.get(citizen_url("stats", language)).content
    pages["statistics (this year)"] = client.get(citizen_url("stats_year", language)).content
    pages["open data"] = client.get(citizen_url("stats_data", language)).content
    for name, content in pages.items():
        if b"<html" not in content:
            raise RuntimeError(f"{name} in {language} did not render a page")
    return pages


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="lango-weight-") as workdir:
        setup_django(Path(workdir) / "bench.sqlite3")
        data = seed()
        css = stylesheet_gzip_bytes()
        print(f"Stylesheet: {css} bytes gzip. Budget per page (HTML + CSS, gzip): {BUDGET_BYTES} bytes.")
        print(f"{'page':<24}{'lang':<6}{'html':>8}{'html gz':>9}{'total gz':>10}  verdict")
        over = 0
        for language in LANGUAGES:
            for name, content in fetch_pages(language, data).items():
                html_gz = len(gzip.compress(content, compresslevel=6))
                total = html_gz + css
                verdict = "ok" if total <= BUDGET_BYTES else "OVER"
                over += total > BUDGET_BYTES
                print(f"{name:<24}{language:<6}{len(content):>8}{html_gz:>9}{total:>10}  {verdict}")
        print("All pages within budget." if not over else f"{over} page(s) over budget.")
        return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
