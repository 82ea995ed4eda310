"""DCI message signatures: Ed25519 over a digest of the header and message.

The ``signature`` string has the HTTP-signature shape the DCI specification shows::

    Signature: namespace="spdci", kidId="{sender_id}|{key_id}|ed25519", algorithm="ed25519",
    created="1606970629", expires="1607030629", headers="(created) (expires) digest",
    signature="<base64 Ed25519 signature of the signing string>"

and the signing string is::

    (created): 1606970629
    (expires): 1607030629
    digest: BLAKE-512=<base64 BLAKE2b-512 of the canonical JSON {"header": …, "message": …}>

Canonical JSON: keys sorted, no spaces, UTF-8. A partner with a public key on its record must
sign every request; one without a key may send no signature or a known placeholder
(``DCI_UNSIGNED_PLACEHOLDERS``), and anything else is refused, since it cannot be checked.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import time

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from django.conf import settings

ALGORITHM = "ed25519"
# Clocks differ between systems; a signature created this far in the future is still taken.
CLOCK_SKEW_SECONDS = 300
_PARAMETER = re.compile(r'(\w+)="([^"]*)"')


class SignatureError(Exception):
    """A signature that is missing where one is needed, malformed, expired or wrong."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code  # err.signature.missing or err.signature.invalid
        self.message = message


def canonical(header: dict, message: dict) -> bytes:
    """The bytes a signature's digest is taken over."""
    return json.dumps(
        {"header": header, "message": message}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def signing_string(created: int, expires: int, header: dict, message: dict) -> bytes:
    digest = base64.b64encode(hashlib.blake2b(canonical(header, message), digest_size=64).digest()).decode()
    return f"(created): {created}\n(expires): {expires}\ndigest: BLAKE-512={digest}".encode()


def load_public_key(text: str) -> Ed25519PublicKey:
    """Read a partner's key: PEM, or base64 of the 32 raw bytes. Raise ``ValueError`` if it is not one."""
    text = (text or "").strip()
    if text.startswith("-----BEGIN"):
        try:
            key = load_pem_public_key(text.encode())
        except (ValueError, UnsupportedAlgorithm) as exc:
            raise ValueError("not a PEM public key") from exc
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 key")
        return key
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise ValueError("not base64") from exc
    return Ed25519PublicKey.from_public_bytes(raw)


def sign(
    private_key: Ed25519PrivateKey,
    *,
    sender_id: str,
    key_id: str,
    header: dict,
    message: dict,
    lifetime_seconds: int = 600,
    now: int | None = None,
) -> str:
    """Return the DCI ``signature`` string for ``header`` and ``message``."""
    created = int(now if now is not None else time.time())
    expires = created + lifetime_seconds
    signature = base64.b64encode(private_key.sign(signing_string(created, expires, header, message))).decode()
    return (
        f'Signature: namespace="spdci", kidId="{sender_id}|{key_id}|{ALGORITHM}", algorithm="{ALGORITHM}", '
        f'created="{created}", expires="{expires}", headers="(created) (expires) digest", signature="{signature}"'
    )


def check(
    signature: str, *, public_key: str, sender_id: str, header: dict, message: dict, now: int | None = None
) -> None:
    """Accept the request's ``signature`` for this partner, or raise ``SignatureError``."""
    signature = (signature or "").strip()
    if not public_key:
        if signature and signature not in settings.DCI_UNSIGNED_PLACEHOLDERS:
            raise SignatureError("err.signature.invalid", "This partner has no signing key: send no signature.")
        return
    if not signature or signature in settings.DCI_UNSIGNED_PLACEHOLDERS:
        raise SignatureError("err.signature.missing", "Requests from this partner must be signed.")
    parameters = dict(_PARAMETER.findall(signature))
    try:
        created, expires = int(parameters["created"]), int(parameters["expires"])
        value = base64.b64decode(parameters["signature"], validate=True)
    except (KeyError, ValueError, binascii.Error):
        raise SignatureError("err.signature.invalid", "The signature is malformed.") from None
    if parameters.get("algorithm", ALGORITHM) != ALGORITHM:
        raise SignatureError("err.signature.invalid", "Only ed25519 signatures are accepted.")
    if parameters.get("kidId", "").split("|")[0] != sender_id:
        raise SignatureError("err.signature.invalid", "The signature's key belongs to another sender.")
    moment = int(now if now is not None else time.time())
    if created > moment + CLOCK_SKEW_SECONDS or expires < moment or expires <= created:
        raise SignatureError("err.signature.invalid", "The signature has expired or is not yet valid.")
    try:
        load_public_key(public_key).verify(value, signing_string(created, expires, header, message))
    except (InvalidSignature, ValueError):
        raise SignatureError("err.signature.invalid", "The signature does not match the message.") from None


def lango_private_key() -> Ed25519PrivateKey | None:
    """Lango's own signing key (``DCI_SIGNING_KEY``, PEM), or ``None`` when callbacks go unsigned."""
    pem = getattr(settings, "DCI_SIGNING_KEY", "")
    if not pem:
        return None
    key = load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("DCI_SIGNING_KEY must be an Ed25519 private key.")
    return key
