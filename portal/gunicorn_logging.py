"""Gunicorn's logger for Lango: access lines and errors without the callback token.

Named by ``logger_class`` in ``gunicorn.conf.py``. Every access-log atom that holds the request's
path (the request line, the path, the raw URI, the referrer) has the token cut out before the line
is written, and the error log gets the same filter as Django's handlers.
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from portal.log_redaction import RedactSecretsFilter, redact

# Atoms that can carry the path (see gunicorn's ``Logger.atoms``).
PATH_ATOMS = ("r", "U", "f", "{raw_uri}e", "{path_info}e", "{request_uri}e", "{referer}i")


class RedactingLogger(Logger):
    """Gunicorn's own logger, with the callback token left out of every line."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactSecretsFilter) for f in log.filters):
                log.addFilter(RedactSecretsFilter())

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in PATH_ATOMS:
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
