"""Citizen forms: plain words, errors in the page's language, no browser-side validation."""
