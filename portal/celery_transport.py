"""kombu's Redis transport, made to survive Redis going away under a worker that holds tasks.

With ``acks_late`` a worker holds unacknowledged tasks (an SMS being sent, a retry waiting for its
countdown). When Redis goes, Celery closes the channel and kombu's ``QoS.restore_unacked`` (kombu
5.7, ``kombu/transport/redis.py``) asks the closed channel for a client: ``_connparams`` reads
``self.connection.client.hostname`` from a transport whose client is already ``None`` and raises
``AttributeError``, which is not among the transport's connection errors, so the worker stops
for good ("Unrecoverable error"). Here that restore is guarded: when it cannot reach Redis the
tasks simply stay in Redis's unacknowledged set, and kombu's visibility timeout delivers them
again (``restore_visible``); their rows are safe in the outbox anyway, and beat's relay sends
any message that is due. Celery is given this class by ``CELERY_BROKER_TRANSPORT``.
"""

from __future__ import annotations

import logging

from kombu.transport import redis as kombu_redis

logger = logging.getLogger(__name__)


class QoS(kombu_redis.QoS):
    """Restores unacknowledged tasks when it can; leaves them to the visibility timeout when it cannot."""

    def restore_unacked(self, client=None):
        try:
            return super().restore_unacked(client)
        except (AttributeError, *kombu_redis.get_redis_error_classes().connection_errors) as exc:
            logger.warning(
                "Could not hand %d unacknowledged task(s) back to the broker (%r); "
                "they come back after the visibility timeout.",
                len(self._delivered),
                exc,
            )
            self._delivered.clear()
            return None


class Channel(kombu_redis.Channel):
    QoS = QoS


class Transport(kombu_redis.Transport):
    """The Redis transport with the guarded ``restore_unacked``."""

    Channel = Channel
