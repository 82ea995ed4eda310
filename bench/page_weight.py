"""Page weight: what a citizen's phone downloads for the main pages, compressed, in every language.

    python bench/page_weight.py

Builds a throw-away SQLite database with the demo areas, programmes and pages, then fetches the
home page, an apply step (the pre-screen advice, the longest question page), the account page and
a tracking result through Django's test client. Each figure is the gzip size of the HTML plus the
gzip size of the stylesheet (the only other file a page loads: no scripts, no fonts, no images).
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
    return {"areas": areas, "application": result.application, "complaint": filing.grievance, "pin": filing.pin}


def stylesheet_gzip_bytes() -> int:
    from django.contrib.staticfiles import finders

    return len(gzip.compress(Path(finders.find("portal/site.css")).read_bytes(), compresslevel=6))


def citizen_url(name: str, language: str, *args) -> str:
    from django.urls import reverse
    from django.utils import translation

    with translation.override(language):
        return reverse(f"portal:{name}", args=args or None)


def fetch_pages(language: str, data: dict) -> dict[str, bytes]:
    """The four pages in ``language``, fetched as a citizen would reach them."""
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
        print(f"{'page':<22}{'lang':<6}{'html':>8}{'html gz':>9}{'total gz':>10}  verdict")
        over = 0
        for language in LANGUAGES:
            for name, content in fetch_pages(language, data).items():
                html_gz = len(gzip.compress(content, compresslevel=6))
                total = html_gz + css
                verdict = "ok" if total <= BUDGET_BYTES else "OVER"
                over += total > BUDGET_BYTES
                print(f"{name:<22}{language:<6}{len(content):>8}{html_gz:>9}{total:>10}  {verdict}")
        print("All pages within budget." if not over else f"{over} page(s) over budget.")
        return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
