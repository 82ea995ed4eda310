"""The Celery application, configured from Django settings (``CELERY_*``).

Without ``REDIS_URL`` tasks run eagerly in the calling process, so the embedded mode needs no
broker and no worker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("lango")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
