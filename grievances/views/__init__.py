"""Back-office views (Wagtail admin): the case queue, case pages, call-centre, call-backs, dashboard."""
