"""What the personal data lifecycle records: retention runs, anonymised rows and "my data" copies.

``Anonymisation`` is the erasure log: one row per record that was anonymised (by the retention
table or by an upheld erasure request). It is also written, line by line, to
``settings.ERASURE_LOG_FILE`` kept apart from the database backups, so that the
``reapply_erasures`` command can apply it again after an older copy is restored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionRun(models.Model):
    """One row of the retention table applied once: what kind of data, how many records, when."""

    kind = models.CharField(_("what"), max_length=40)
    count = models.PositiveIntegerField(_("records"), default=0)
    ran_at = models.DateTimeField(_("when"), db_index=True)

    class Meta:
        ordering = ["-ran_at", "kind"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"{self.kind}: {self.count} ({self.ran_at:%Y-%m-%d %H:%M})"


class Anonymisation(models.Model):
    """A record whose personal fields were removed, why, and when (the erasure log)."""

    class Reason(models.TextChoices):
        RETENTION = "retention", _("Kept as long as the retention table says")
        ERASURE = "erasure", _("The person asked for it to be erased")

    kind = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    reason = models.CharField(max_length=12, choices=Reason.choices)
    request_reference = models.CharField(max_length=10, blank=True)
    done_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["done_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="one_anonymisation_per_record")]
        verbose_name = _("anonymised record")
        verbose_name_plural = _("anonymised records")

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class DataCopy(models.Model):
    """A copy of everything held about a person, seen or downloaded by them or sent on their behalf."""

    class How(models.TextChoices):
        PAGE = "page", _("Read on the account page")
        DOWNLOAD = "download", _("Downloaded")
        SENT = "sent", _("Sent by the call centre")

    # The citizen's person record, when they have one (a complainant may have only a phone).
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    phone = models.CharField(max_length=16, blank=True)
    how = models.CharField(max_length=10, choices=How.choices)
    language = models.CharField(max_length=8)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)
    made_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-made_at"]
        verbose_name = _("copy of personal data")
        verbose_name_plural = _("copies of personal data")
