"""The demo data as a Django app, so that ``manage.py seed_demo`` is found."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "Demo data"
