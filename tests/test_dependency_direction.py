"""Imports point one way: channels -> domain -> infrastructure, and no module imports itself round a circle."""

from __future__ import annotations

import pytest

from tests import dependencies
from tests.dependencies import cycles, import_graph, layer_violations, place


@pytest.fixture(scope="module")
def graph():
    return import_graph()


def test_every_import_points_down_the_layers(graph):
    assert layer_violations(graph) == []


def test_no_two_modules_import_each_other_even_round_a_circle(graph):
    assert cycles(graph) == []


def test_the_domain_holds_no_admin_screens_hooks_or_staff_templates():
    for app in ("registry", "grievances"):
        root = dependencies.ROOT / app
        assert not (root / "wagtail_hooks.py").exists()
        assert not (root / "views").exists()
        assert not list(root.glob("templates/**/*.html"))
        for path in root.rglob("*.py"):
            assert "wagtail.admin" not in path.read_text(), path


def test_a_domain_module_importing_a_channel_is_caught(graph):
    broken = {**graph, "registry.decisions": graph["registry.decisions"] | {"backoffice.cases.case"}}

    assert layer_violations(broken) == ["registry.decisions -> backoffice.cases.case: domain must not import channel"]


def test_registry_importing_grievances_is_caught(graph):
    broken = {**graph, "registry.services": graph["registry.services"] | {"grievances.services"}}

    assert "registry.services -> grievances.services: registry must not use grievances" in layer_violations(broken)


def test_the_outbox_importing_the_domain_is_caught(graph):
    broken = {**graph, "sms.outbox": graph["sms.outbox"] | {"registry.models"}}

    assert layer_violations(broken) == ["sms.outbox -> registry.models: infrastructure must not import domain"]


def test_one_channel_importing_another_is_caught(graph):
    broken = {**graph, "ussd.screens.track": graph["ussd.screens.track"] | {"portal.views.tracking"}}

    assert layer_violations(broken) == [
        "ussd.screens.track -> portal.views.tracking: one channel must not import another"
    ]


def test_two_modules_importing_each_other_are_caught(graph):
    broken = {**graph, "sms.delivery": graph["sms.delivery"] | {"sms.tasks"}}

    assert ["sms.delivery", "sms.tasks"] in cycles(broken)


def test_a_longer_circle_is_caught(graph):
    broken = {**graph, "registry.models": graph["registry.models"] | {"registry.services"}}

    assert any({"registry.models", "registry.services"} <= set(group) for group in cycles(broken))


def test_imports_inside_functions_count(tmp_path, monkeypatch):
    package = tmp_path / "registry"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "late.py").write_text("def f():\n    from grievances import services\n")
    (tmp_path / "grievances").mkdir()
    (tmp_path / "grievances" / "__init__.py").write_text("")
    (tmp_path / "grievances" / "services.py").write_text("")
    monkeypatch.setattr(dependencies, "ROOT", tmp_path)

    found = dependencies.imports_of(
        "registry.late", package / "late.py", {"registry", "registry.late", "grievances", "grievances.services"}
    )

    assert found == {"grievances.services"}


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("portal.settings", "wiring"),
        ("portal.views.apply", "channel"),
        ("backoffice.cases.case", "channel"),
        ("sms.handlers", "channel"),
        ("sms.outbox", "infrastructure"),
        ("sms.gateways.africastalking", "infrastructure"),
        ("encryption.fields", "infrastructure"),
        ("encryption.management.commands.rotate_field_keys", "wiring"),
        ("registry.decisions", "domain"),
        ("grievances.services", "domain"),
        ("content.models", "content"),
        ("demo.pages", "wiring"),
    ],
)
def test_each_module_sits_in_its_layer(module, layer):
    assert place(module).layer == layer
