"""The project's import graph, and the rules it must keep (DESIGN §3).

Layers, from the top: the wiring (settings, URLs, the Celery app, demo data) may import anything;
the channels (citizen web in ``portal``, ``ussd``, SMS inbound, ``backoffice``, ``api``) translate
and call the domain; ``content`` holds the Wagtail pages; the domain (``registry``, ``grievances``)
holds every rule; the infrastructure (SMS outbox and gateways, field encryption in ``encryption``)
knows nothing above it. An arrow may only point down, ``registry`` never imports ``grievances``,
no channel imports another, and no two modules import each other, directly or round a longer
circle. Imports inside functions count.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "portal",
    "registry",
    "grievances",
    "sms",
    "ussd",
    "backoffice",
    "api",
    "content",
    "privacy",
    "encryption",
    "demo",
)

WIRING = "wiring"
CHANNEL = "channel"
CONTENT = "content"
DOMAIN = "domain"
INFRASTRUCTURE = "infrastructure"
# What each layer may import (besides itself).
MAY_IMPORT: dict[str, set[str]] = {
    WIRING: {CHANNEL, CONTENT, DOMAIN, INFRASTRUCTURE},
    CHANNEL: {CONTENT, DOMAIN, INFRASTRUCTURE},
    CONTENT: {DOMAIN, INFRASTRUCTURE},
    DOMAIN: {INFRASTRUCTURE},
    INFRASTRUCTURE: set(),
}

# The project package's own modules that wire everything together (the rest of ``portal`` is the web channel).
PORTAL_WIRING = {
    "portal",
    "portal.settings",
    "portal.urls",
    "portal.dev_urls",
    "portal.celery",
    "portal.wsgi",
    "portal.asgi",
    "portal.apps",
    "portal.env",
    "portal.i18n_catalogs",
}
# The project package's infrastructure: the cache backend and the broker transport anything may lean on.
PORTAL_INFRASTRUCTURE = {
    "portal.resilient_cache",
    "portal.celery_transport",
    "portal.postgresql",
    "portal.postgresql.base",
}
# SMS modules that receive (channel); the others send (infrastructure).
SMS_INBOUND = {"sms.views", "sms.urls", "sms.inbound", "sms.commands", "sms.handlers", "sms.dev_views", "sms.dev_urls"}
# Channel-to-channel reads that are allowed, and why.
ALLOWED_BETWEEN_CHANNELS: dict[tuple[str, str], str] = {
    ("backoffice", "ussd"): "the USSD funnel report reads the USSD channel's own session summaries (ussd.funnel)",
    ("backoffice", "api"): "administrators register the partner API's partners and make their credentials",
}


@dataclass(frozen=True)
class Placement:
    """Where a module sits: its layer and, for a channel, which one."""

    layer: str
    channel: str = ""


def place(module: str) -> Placement:
    """Return the layer (and channel) of a project module."""
    top = module.split(".")[0]
    if top == "demo" or module in PORTAL_WIRING or ".migrations" in module or ".management" in module:
        return Placement(WIRING)
    if module in PORTAL_INFRASTRUCTURE:
        return Placement(INFRASTRUCTURE)
    if top == "portal":
        return Placement(CHANNEL, "portal")
    if top == "encryption":
        return Placement(INFRASTRUCTURE)
    if top == "sms":
        return Placement(CHANNEL, "sms") if module in SMS_INBOUND else Placement(INFRASTRUCTURE)
    if top in ("ussd", "backoffice", "api"):
        return Placement(CHANNEL, top)
    if top == "content":
        return Placement(CONTENT)
    return Placement(DOMAIN)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    """Every Python module of the project's packages (tests and benchmarks excluded)."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")) if (ROOT / package).is_dir() else []:
            modules[module_name(path)] = path
    return modules


def _resolve(name: str, known: Iterable[str]) -> str | None:
    """The project module an import of ``name`` loads: itself, or the longest known prefix."""
    known = set(known)
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The project modules ``module`` imports, at the top or inside functions (``TYPE_CHECKING`` too)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                prefix = ".".join(base)
                target = f"{prefix}.{node.module}" if node.module else prefix
            else:
                target = node.module or ""
            # ``from a import b`` loads the module ``a.b`` when there is one, else takes ``b`` from ``a``.
            names = [f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target for alias in node.names]
        for name in names:
            resolved = _resolve(name, known)
            if resolved and resolved != module:
                found.add(resolved)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports."""
    modules = project_modules()
    known = set(modules)
    return {module: imports_of(module, path, known) for module, path in modules.items()}


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    """Every import that points the wrong way, as ``a -> b: why``."""
    problems = []
    for source, targets in sorted(graph.items()):
        here = place(source)
        for target in sorted(targets):
            there = place(target)
            if source.split(".")[0] == "registry" and target.split(".")[0] == "grievances":
                problems.append(f"{source} -> {target}: registry must not use grievances")
            elif here.layer == there.layer == CHANNEL and here.channel != there.channel:
                if (here.channel, there.channel) not in ALLOWED_BETWEEN_CHANNELS:
                    problems.append(f"{source} -> {target}: one channel must not import another")
            elif here.layer != there.layer and there.layer not in MAY_IMPORT[here.layer]:
                problems.append(f"{source} -> {target}: {here.layer} must not import {there.layer}")
    return problems


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or round a circle (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found
