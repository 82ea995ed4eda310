"""Citizen web pages (under a language prefix)."""

urlpatterns: list = []
