"""Every marked string is in the fr, sw and ar catalogs, translated and not fuzzy."""

from __future__ import annotations

import pytest

from portal import i18n_catalogs


@pytest.fixture(scope="module")
def template():
    return i18n_catalogs.extract()


def test_templates_and_python_strings_are_both_extracted(template):
    ids = {m.id for m in template if m.id}
    assert "Skip to main content" in ids  # from a Django template, through templatize
    assert "Payment not received" in ids  # from Python code


@pytest.mark.parametrize("language", i18n_catalogs.LANGUAGES)
def test_the_catalog_is_complete_translated_and_not_fuzzy(template, language):
    problems = i18n_catalogs.problems(language, template)
    assert problems == {"missing": [], "untranslated": [], "fuzzy": []}


@pytest.mark.parametrize("language", i18n_catalogs.LANGUAGES)
def test_translations_keep_every_placeholder(language):
    from babel.messages.pofile import read_po

    with i18n_catalogs.po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    import re

    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"%\(\w+\)s", ids[0]))
        for string in strings:
            assert set(re.findall(r"%\(\w+\)s", string)) == wanted, (language, message.id, string)
