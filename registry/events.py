"""Registry events for partner systems: an application registered (REGISTER) or updated (UPDATE).

Each is a row written in the transaction that made the change, so a subscriber is told of exactly
what happened — nothing lost if the notifier is down, nothing told that was rolled back.
"""

from __future__ import annotations

from registry.models import Application, RegistryEvent


def application_registered(application: Application) -> RegistryEvent:
    """Record that ``application`` was submitted (DCI ``REGISTER``)."""
    return RegistryEvent.objects.create(kind=RegistryEvent.Kind.REGISTER, application=application)


def application_updated(application: Application) -> RegistryEvent:
    """Record that ``application`` changed: a decision, a withdrawal, a re-opening (DCI ``UPDATE``)."""
    return RegistryEvent.objects.create(kind=RegistryEvent.Kind.UPDATE, application=application)
