"""What happened, resolutions, timeline messages, call-back notes, contact phones and the details of correction requests encrypted at rest; contact phones found by keyed hash; existing rows encrypted in batches."""

import encryption.fields
from django.db import migrations

from encryption.columns import Table, migration

ENCRYPT, DECRYPT = migration([
    Table(
        "grievances.Grievance",
        "grievances_grievance",
        "id",
        ("description", "resolution_text", "contact_phone"),
        hashes={"contact_phone_hash": "contact_phone"},
    ),
    Table("grievances.GrievanceEvent", "grievances_grievanceevent", "id", ("message",)),
    Table("grievances.CallbackRequest", "grievances_callbackrequest", "id", ("outcome_note",)),
    Table("grievances.DataRequest", "grievances_datarequest", "id", ("requested_changes", "applied_changes")),
])


class Migration(migrations.Migration):

    dependencies = [
        ('grievances', '0011_data_requests'),
    ]

    operations = [
        migrations.AddField(
            model_name='grievance',
            name='contact_phone_hash',
            field=encryption.fields.KeyedHashField(blank=True, db_index=True, editable=False, max_length=64, source='contact_phone'),
        ),
        migrations.AlterField(
            model_name='callbackrequest',
            name='outcome_note',
            field=encryption.fields.EncryptedTextField(blank=True, verbose_name='outcome'),
        ),
        migrations.AlterField(
            model_name='grievance',
            name='contact_phone',
            field=encryption.fields.EncryptedCharField(blank=True, max_length=16, verbose_name='contact phone'),
        ),
        migrations.AlterField(
            model_name='grievance',
            name='description',
            field=encryption.fields.EncryptedTextField(verbose_name='what happened'),
        ),
        migrations.AlterField(
            model_name='grievance',
            name='resolution_text',
            field=encryption.fields.EncryptedTextField(blank=True, verbose_name='resolution'),
        ),
        migrations.AlterField(
            model_name='grievanceevent',
            name='message',
            field=encryption.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='datarequest',
            name='applied_changes',
            field=encryption.fields.EncryptedJSONField(blank=True, default=list, verbose_name='details corrected'),
        ),
        migrations.AlterField(
            model_name='datarequest',
            name='requested_changes',
            field=encryption.fields.EncryptedJSONField(blank=True, default=dict, verbose_name='details asked to be corrected'),
        ),
        migrations.RunPython(ENCRYPT, DECRYPT),
    ]
