"""Create one group per staff role with the permissions the roles had when this migration was written.

The table is frozen here, as history; ``backoffice.roles`` holds the live table, which the back-office
applies after every ``migrate``.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# --- The role table as it stood (see backoffice/roles.py for today's) ---

GRIEVANCE_OFFICER = "Grievance officer"
SUPERVISOR = "Supervisor"
SENSITIVE_CASE_OFFICER = "Sensitive-case officer"
PROGRAMME_OFFICER = "Programme officer"
CALL_CENTRE_AGENT = "Call-centre agent"
CONTENT_EDITOR = "Content editor"
ME_VIEWER = "M&E viewer"

_ADMIN = ("wagtailadmin", "admin", "access_admin")
_OFFICER = [
    _ADMIN,
    ("grievances", "grievance", "view_grievance"),
    ("grievances", "grievance", "handle_grievance"),
]

# role -> [(app_label, model, codename), ...]
ROLE_PERMISSIONS: dict[str, list[tuple[str, str, str]]] = {
    GRIEVANCE_OFFICER: _OFFICER,
    SUPERVISOR: [
        *_OFFICER,
        ("grievances", "grievance", "supervise_grievances"),
        ("grievances", "grievance", "export_grievances"),
        ("grievances", "grievance", "view_dashboard"),
        ("grievances", "callbackrequest", "view_callbackrequest"),
    ],
    SENSITIVE_CASE_OFFICER: [*_OFFICER, ("grievances", "grievance", "view_sensitive_grievance")],
    PROGRAMME_OFFICER: [
        _ADMIN,
        ("registry", "programmeapplication", "view_programmeapplication"),
        ("registry", "programmeapplication", "decide_programmeapplication"),
        ("registry", "programme", "view_programme"),
    ],
    CALL_CENTRE_AGENT: [
        _ADMIN,
        ("registry", "person", "act_on_behalf"),
        ("grievances", "callbackrequest", "view_callbackrequest"),
        ("grievances", "callbackrequest", "handle_callbackrequest"),
    ],
    CONTENT_EDITOR: [
        _ADMIN,
        ("registry", "programme", "view_programme"),
        ("registry", "programme", "change_programme"),
        ("registry", "programmename", "change_programmename"),
        ("wagtailimages", "image", "add_image"),
        ("wagtailimages", "image", "change_image"),
        ("wagtailimages", "image", "choose_image"),
    ],
    ME_VIEWER: [_ADMIN, ("grievances", "grievance", "view_dashboard")],
}

# Roles that edit pages get these Wagtail page permissions on the whole tree.
PAGE_PERMISSIONS: dict[str, list[str]] = {CONTENT_EDITOR: ["add_page", "change_page", "publish_page"]}



def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, permissions in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, _model, codename in permissions:
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is None:
                raise RuntimeError(f"Permission {app_label}.{codename} is missing for role {role}.")
            group.permissions.add(permission)

    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    root = Page.objects.filter(depth=1).first()
    if root is None:
        return
    for role, codenames in PAGE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("grievances", "0002_alter_callbackrequest_options_and_more"),
        ("registry", "0002_alter_person_options_and_more"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0005_editingsession_is_editing"),
        ("wagtailimages", "0027_image_description"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
