"""Panels on the back-office home page."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from laces.components import Component

from grievances.models import Grievance
from grievances.queries import overdue_q, visible_cases


class NeedsAttentionPanel(Component):
    """On the admin home page: escalated, overdue and at-risk cases this member of staff may see."""

    name = "lango_needs_attention"
    template_name = "backoffice/home_attention.html"
    order = 50

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        cases = visible_cases(self.user).filter(status__in=Grievance.OPEN_STATUSES)
        return {
            "escalated": cases.filter(escalated_at__gte=timezone.now() - timedelta(days=1)).count(),
            "overdue": cases.filter(overdue_q()).count(),
            "at_risk": cases.filter(at_risk=True).count(),
            "queue_url": reverse("lango_cases:index"),
        }
