"""Encryption at rest for personal fields (DESIGN §11).

Fernet tokens (AES-128-CBC with HMAC-SHA256) under the keys of ``settings.FIELD_ENCRYPTION_KEYS``,
the first of which encrypts and all of which decrypt (``cryptography``'s ``MultiFernet``); keyed
hashes (HMAC-SHA256 under ``settings.FIELD_HASH_KEY``) for the few values looked up by equality.
Neither key is ever derived from ``SECRET_KEY``. ``manage.py rotate_field_keys`` re-encrypts
every stored value under the first key, so that old keys can then be dropped.
"""
