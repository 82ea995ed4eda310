"""Names, dates of birth, answers as given, decisions' reasons and timeline messages encrypted at rest; existing rows encrypted in batches."""

import encryption.fields
from django.db import migrations

from encryption.columns import Table, migration

ENCRYPT, DECRYPT = migration([
    Table("registry.Person", "registry_person", "id", ("given_name", "family_name", "date_of_birth")),
    Table("registry.Application", "registry_application", "id", ("answers",)),
    Table("registry.ProgrammeApplication", "registry_programmeapplication", "id", ("decision_text",)),
    Table("registry.ApplicationEvent", "registry_applicationevent", "id", ("message",)),
])


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0009_consent_withdrawn_by'),
    ]

    operations = [
        migrations.AlterField(
            model_name='application',
            name='answers',
            field=encryption.fields.EncryptedJSONField(default=dict, verbose_name='answers as given'),
        ),
        migrations.AlterField(
            model_name='applicationevent',
            name='message',
            field=encryption.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='person',
            name='date_of_birth',
            field=encryption.fields.EncryptedDateField(blank=True, null=True, verbose_name='date of birth'),
        ),
        migrations.AlterField(
            model_name='person',
            name='family_name',
            field=encryption.fields.EncryptedCharField(blank=True, max_length=60, verbose_name='last name'),
        ),
        migrations.AlterField(
            model_name='person',
            name='given_name',
            field=encryption.fields.EncryptedCharField(max_length=60, verbose_name='first name'),
        ),
        migrations.AlterField(
            model_name='programmeapplication',
            name='decision_text',
            field=encryption.fields.EncryptedTextField(blank=True, verbose_name='reason'),
        ),
        migrations.RunPython(ENCRYPT, DECRYPT),
    ]
