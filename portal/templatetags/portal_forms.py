"""Render form fields the GOV.UK way: label tied to the input, hint and error tied with aria-describedby."""

from __future__ import annotations

from django import forms, template

register = template.Library()

GROUP_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


def field_kind(field) -> str:
    """How a bound field is drawn: "group" (radios, checkboxes), "checkbox", or "input"."""
    widget = field.field.widget
    if isinstance(widget, GROUP_WIDGETS):
        return "group"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"


def anchor_id(field) -> str:
    """The id an error summary links to: the input itself, or a group's first option."""
    if field_kind(field) == "group":
        options = list(field.subwidgets)
        return options[0].id_for_label if options else field.auto_id
    return field.id_for_label


@register.inclusion_tag("portal/_field.html")
def form_field(field, heading: bool = False):
    """One field with its label (or legend), hint, error message and input, correctly tied together."""
    kind = field_kind(field)
    hint_id = f"{field.auto_id}-hint" if field.help_text else ""
    error_id = f"{field.auto_id}-error" if field.errors else ""
    described_by = " ".join(part for part in (hint_id, error_id) if part)
    attrs = {"aria-describedby": described_by} if described_by and kind != "group" else {}
    return {
        "field": field,
        "kind": kind,
        "heading": heading,
        "hint_id": hint_id,
        "error_id": error_id,
        "described_by": described_by,
        "widget": field.as_widget(attrs=attrs) if kind != "group" else "",
        "options": list(field.subwidgets) if kind == "group" else [],
    }


@register.inclusion_tag("portal/_error_summary.html")
def error_summary(form):
    """The list of every error at the top of the page, each linking to its field."""
    items = [{"anchor": "", "message": error} for error in form.non_field_errors()]
    for field in form:
        for error in field.errors:
            items.append({"anchor": anchor_id(field), "message": error})
    return {"items": items}


@register.filter
def get_item(mapping: dict, key):
    """Look ``key`` (as text) up in ``mapping``."""
    return mapping.get(str(key)) if mapping else None
