"""Wagtail pages: programme descriptions, FAQs and other citizen-facing content."""
