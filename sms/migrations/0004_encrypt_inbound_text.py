"""The text of inbound SMS (often a complaint in the sender's words) encrypted at rest; existing rows encrypted in batches."""

import encryption.fields
from django.db import migrations

from encryption.columns import Table, migration

ENCRYPT, DECRYPT = migration([Table("sms.InboundMessage", "sms_inboundmessage", "id", ("text",))])


class Migration(migrations.Migration):

    dependencies = [
        ('sms', '0003_unconfirmed_expiry_resend'),
    ]

    operations = [
        migrations.AlterField(
            model_name='inboundmessage',
            name='text',
            field=encryption.fields.EncryptedTextField(blank=True),
        ),
        migrations.RunPython(ENCRYPT, DECRYPT),
    ]
