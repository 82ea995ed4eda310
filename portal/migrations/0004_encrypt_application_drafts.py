"""Citizens' unfinished applications (names, dates of birth) encrypted at rest; existing rows encrypted."""

import encryption.fields
from django.db import migrations

from encryption.columns import Table, migration

ENCRYPT, DECRYPT = migration([Table("portal.ApplicationDraft", "portal_applicationdraft", "id", ("data",))])


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0003_phone_holder_sends'),
    ]

    operations = [
        migrations.AlterField(
            model_name='applicationdraft',
            name='data',
            field=encryption.fields.EncryptedJSONField(default=dict),
        ),
        migrations.RunPython(ENCRYPT, DECRYPT),
    ]
