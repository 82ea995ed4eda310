"""Staff roles (DESIGN §1) as groups, each with exactly the permissions it needs.

This table is the one place that says what each role may do: after every ``migrate`` the role
groups are brought in line with it (``sync_role_groups``), so a change here needs no migration.
"""

from __future__ import annotations

from django.contrib.auth.management import create_permissions

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
        ("sms", "outboundmessage", "view_outboundmessage"),
        ("sms", "outboundmessage", "resend_outboundmessage"),
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


def sync_role_groups(apps=None, *, verbosity: int = 0) -> None:
    """Create each role's group and give it exactly the permissions of the table (page ones included).

    Other groups, and users' membership, are left alone. Runs after ``migrate`` (see
    ``backoffice.apps``); permissions of every app are created first, since Django would only
    create those of later apps after this.
    """
    from django.apps import apps as global_apps

    apps = apps or global_apps
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, apps=apps, verbosity=verbosity)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, permissions in ROLE_PERMISSIONS.items():
        wanted = []
        for app_label, _model, codename in permissions:
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is None:
                raise RuntimeError(f"Permission {app_label}.{codename} is missing for role {role}.")
            wanted.append(permission)
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(wanted)

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
