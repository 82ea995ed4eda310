"""Staff roles (DESIGN §1) as groups, each with exactly the permissions it needs.

The groups are created by a data migration (``grievances/migrations``) from this table, so the
table is the one place that says what each role may do.
"""

from __future__ import annotations

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
