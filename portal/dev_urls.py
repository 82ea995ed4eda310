"""Development-only pages (mounted at ``/dev/`` when DEBUG): phone and outbox simulators."""

urlpatterns: list = []
