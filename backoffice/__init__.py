"""The staff channel: every back-office screen in the Wagtail admin, and its wiring."""
