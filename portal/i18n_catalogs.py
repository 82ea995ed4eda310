"""Translation catalogs with Babel: extract, update, compile and check — no GNU gettext needed.

Python files are read by Babel's Python extractor; Django templates are first turned into
gettext calls by Django's own ``templatize`` and then read by the same extractor.

    python -m portal.i18n_catalogs extract   # write locale/django.pot
    python -m portal.i18n_catalogs update    # extract, then merge into every language's django.po
    python -m portal.i18n_catalogs compile   # write the .mo files (same as ``pybabel compile``)
    python -m portal.i18n_catalogs check     # fail on a missing, untranslated or fuzzy message
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locale"
DOMAIN = "django"
LANGUAGES = ("fr", "sw", "ar")
SOURCE_DIRS = ("portal", "registry", "grievances", "ussd", "sms", "backoffice", "api", "content", "privacy", "demo")

KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "N_": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}

METHOD_MAP = [
    ("**/migrations/**", "ignore"),
    ("**/templates/**.html", "portal.i18n_catalogs:extract_django_template"),
    ("**/templates/**.txt", "portal.i18n_catalogs:extract_django_template"),
    ("**.py", "python"),
]


def extract_django_template(fileobj, keywords, comment_tags, options) -> Iterator:
    """Babel extractor for Django templates: ``templatize`` them, then extract as Python."""
    from django.utils.translation.template import templatize

    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    # templatize keeps the template's layout; Python's tokenizer would trip on its indentation.
    # Every message is a single-line repr() literal, so removing leading whitespace is safe.
    python_like = "\n".join(line.lstrip() for line in templatize(source).splitlines())
    yield from extract_python(io.BytesIO(python_like.encode("utf-8")), keywords, comment_tags, options)


def _setup_django() -> None:
    import os

    import django
    from django.conf import settings

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if not settings.configured or not hasattr(settings, "_wrapped") or settings._wrapped is None:
        django.setup()


def extract() -> Catalog:
    """Return a template catalog of every message marked in the project's code and templates."""
    template = Catalog(project="Lango", domain=DOMAIN, charset="utf-8")
    for directory in SOURCE_DIRS:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / directory, METHOD_MAP, keywords=KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True
        ):
            template.add(
                message,
                locations=[(f"{directory}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
                flags=("python-format",) if _has_placeholder(message) else (),
            )
    return template


def _has_placeholder(message) -> bool:
    texts = message if isinstance(message, (tuple, list)) else (message,)
    return any("%(" in text or "%s" in text for text in texts)


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def write_template(template: Catalog) -> Path:
    path = LOCALE_DIR / f"{DOMAIN}.pot"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, template, width=100, omit_header=False, sort_output=True, no_location=True)
    return path


def update() -> None:
    """Extract, then merge the template into every language's catalog (new messages untranslated)."""
    template = extract()
    write_template(template)
    for language in LANGUAGES:
        path = po_path(language)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language, domain=DOMAIN)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=language, domain=DOMAIN, project="Lango", charset="utf-8", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete = {}
        catalog.fuzzy = False
        with path.open("wb") as handle:
            # No source locations in the language catalogs: they would change with every edit of the
            # code and make catalogs hard to merge; the translator comments stay with each message.
            write_po(handle, catalog, width=100, sort_output=True, include_previous=False, no_location=True)


def compile_catalogs() -> list[Path]:
    """Write ``django.mo`` next to every ``django.po`` (fuzzy entries are left out)."""
    written = []
    for po in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name, domain=DOMAIN)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written.append(mo)
    return written


def problems(language: str, template: Catalog | None = None) -> dict[str, list[str]]:
    """Messages of ``language`` that are missing from its catalog, untranslated or fuzzy."""
    template = template or extract()
    path = po_path(language)
    found: dict[str, list[str]] = {"missing": [], "untranslated": [], "fuzzy": []}
    if not path.exists():
        found["missing"] = [str(m.id) for m in template if m.id]
        return found
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id, context=message.context)
        label = repr(message.id if not message.context else (message.context, message.id))
        if entry is None:
            found["missing"].append(label)
        elif entry.fuzzy:
            found["fuzzy"].append(label)
        elif not entry.string or (isinstance(entry.string, tuple) and not all(entry.string)):
            found["untranslated"].append(label)
    return found


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    _setup_django()
    if command == "extract":
        print(write_template(extract()))
    elif command == "update":
        update()
    elif command == "compile":
        for path in compile_catalogs():
            print(path.relative_to(ROOT))
    elif command == "check":
        template = extract()
        failed = False
        for language in LANGUAGES:
            for kind, items in problems(language, template).items():
                if items:
                    failed = True
                    print(f"{language}: {len(items)} {kind}: {', '.join(items[:10])}")
        return 1 if failed else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
