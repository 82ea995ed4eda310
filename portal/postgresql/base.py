"""Django's PostgreSQL backend, with a deadline on every wait for the server.

``statement_timeout`` stops a slow query in the server, and ``connect_timeout`` a server that does
not let us in, but neither helps when the database (or the network to it) stops answering on a
connection already open: the process would wait on the socket until TCP gives up, many minutes
later. Here each wait of psycopg for the server is bounded by the ``query_deadline`` option
(seconds, from ``DB_QUERY_DEADLINE_SECONDS``): past it the connection is dropped and
``OperationalError`` raised, which the views turn into a polite answer (``/healthz`` 503, a USSD
``END``, the error page), and Django opens a new connection for the next request.
"""

from __future__ import annotations

import psycopg
from django.db.backends.postgresql import base
from psycopg import errors


class DeadlineConnection(psycopg.Connection):
    """A psycopg connection whose every wait for the server gives up after ``deadline`` seconds."""

    deadline: float | None = None

    def wait(self, gen, interval: float = 0.1, timeout: float | None = None):
        if timeout is None and self.deadline:
            timeout = self.deadline
        try:
            return super().wait(gen, interval=interval, timeout=timeout)
        except errors._WaitTimeout:
            try:
                self.pgconn.finish()  # nobody waits on this socket again
            except Exception:  # noqa: BLE001, S110 - closing a dead connection may fail in any way
                pass
            raise errors.OperationalError(f"the database did not answer within {timeout} s") from None


class DatabaseWrapper(base.DatabaseWrapper):
    """The PostgreSQL backend whose connections are ``DeadlineConnection``s."""

    query_deadline: float | None = None

    def get_connection_params(self):
        params = super().get_connection_params()
        deadline = params.pop("query_deadline", None)
        self.query_deadline = float(deadline) if deadline else None
        return params

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if self.query_deadline and type(connection) is psycopg.Connection:
            connection.__class__ = DeadlineConnection
            connection.deadline = self.query_deadline
        return connection
