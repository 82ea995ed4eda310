"""Lango: the Django project and the citizen web portal."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
