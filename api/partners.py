"""Registering partner systems and their OAuth 2.0 client credentials (for the back-office and the demo).

The client secret is shown once, when it is made: the toolkit keeps only its hash. A new secret
replaces the old one at once and ends every token issued with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application

from api.models import Partner


@dataclass(frozen=True)
class Credentials:
    """A partner's client id and its secret, in clear this once."""

    client_id: str
    client_secret: str


@transaction.atomic
def give_credentials(partner: Partner) -> Credentials:
    """Create the partner's OAuth client, or give it a new secret; return both, to be shown once."""
    secret = generate_client_secret()
    application = partner.application
    if application is None:
        application = Application.objects.create(
            name=partner.name[:255],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret,
        )
        partner.application = application
        partner.save(update_fields=["application"])
    else:
        application.client_secret = secret
        application.save(update_fields=["client_secret"])
        AccessToken.objects.filter(application=application).delete()
    return Credentials(application.client_id, secret)
