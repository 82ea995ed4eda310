"""Messages the outbox gave up on: a supervisor sees them and re-sends one, on the record."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from backoffice.masking import mask_phone
from backoffice.pages import admin_page, require_permission
from grievances.audit import log_access
from grievances.models import AccessLog
from sms.models import OutboundMessage
from sms.outbox import ResendRefused, messages_needing_attention, resend

VIEW_PERMISSION = "sms.view_outboundmessage"
RESEND_PERMISSION = "sms.resend_outboundmessage"
SHOWN = 200


def failed_messages(request):
    """List failed and unconfirmed messages no sender will try again (phones masked); the list is logged."""
    require_permission(request.user, VIEW_PERMISSION)
    rows = [
        {"message": message, "phone": mask_phone(message.to)}
        for message in messages_needing_attention().select_related("resent_from")[:SHOWN]
    ]
    log_access(
        request.user,
        AccessLog.Action.VIEW,
        object_type="sms.outboundmessage",
        object_id="list",
        reason="failed SMS",
    )
    context = {"rows": rows, "can_resend": request.user.has_perm(RESEND_PERMISSION)}
    return admin_page(request, "backoffice/outbox/failed.html", _("Failed SMS"), context)


@require_POST
def resend_message(request, pk: int):
    """Re-send one failed message as a new outbox row; the audit log records who did it."""
    require_permission(request.user, VIEW_PERMISSION, RESEND_PERMISSION)
    try:
        copy = resend(pk)
    except ResendRefused as refused:
        messages.error(request, refused.reason)
    else:
        original = OutboundMessage.objects.get(pk=pk)
        log_access(
            request.user,
            AccessLog.Action.CHANGE,
            copy,
            reason=f"re-sent failed SMS {pk} ({original.template}, was {original.status}: {original.failure_reason})",
        )
        messages.success(request, _("The message is queued to be sent again."))
    return redirect(reverse("lango_failed_sms"))
