"""Apply: one question per page, advice, choice of programmes, consent, check, submit, confirmation."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_POST

from portal import apply_flow, drafts
from portal.citizens import is_citizen, link_people, phone_of
from portal.limits import over_limit
from portal.views.common import sign_in_url, too_many_requests
from registry.models import Programme
from registry.services import ApplicationError

LAST_APPLICATION_KEY = "portal_last_application"


def _next_url(answers: dict) -> str:
    step = apply_flow.first_unanswered(answers)
    return reverse("portal:apply_step", args=[step.slug]) if step else reverse("portal:apply_check")


def start(request):
    """Explain what applying takes; resume a draft; take the programme a programme page preselected."""
    draft = drafts.load(request)
    code = request.GET.get("programme", "")
    if request.method == "POST":
        drafts.clear(request)
        return redirect("portal:apply_start")
    if code:
        draft["answers"] = apply_flow.preselect_programme(draft["answers"], code)
        drafts.save(request, draft)
        return redirect("portal:apply_start")
    chosen = draft["answers"].get("programmes") or draft["answers"].get("preselected") or []
    return render(
        request,
        "portal/apply/start.html",
        {
            "has_draft": any(key not in {"preselected"} for key in draft["answers"]),
            "next_url": _next_url(draft["answers"]),
            "preselected": [p.name() for p in Programme.objects.filter(code__in=chosen).prefetch_related("names")],
        },
    )


def step(request, slug: str):
    """Show one question, or record its answer and go to the next one still to answer."""
    current = apply_flow.STEP_BY_SLUG.get(slug)
    if current is None:
        raise Http404
    draft = drafts.load(request)
    answers = draft["answers"]
    if not apply_flow.can_open(current, answers):
        return redirect(_next_url(answers))
    changing = request.GET.get("change") == "1"
    context = {"step": current, "changing": changing, "back": apply_flow.previous_step(current)}

    if current.form_class is None:  # the advice page: nothing to answer, only to read
        if request.method == "POST":
            draft["answers"] = apply_flow.record_answers(answers, current, {apply_flow.ADVICE_SEEN: True})
            drafts.save(request, draft)
            return redirect(_next_url(draft["answers"]))
        context["results"] = apply_flow.screening(answers)
        return render(request, current.template, context)

    form = current.form_class(request.POST if request.method == "POST" else None, answers=answers)
    if request.method == "POST" and form.is_valid():
        draft["answers"] = apply_flow.record_answers(answers, current, form.to_answers())
        drafts.save(request, draft)
        return redirect(_next_url(draft["answers"]))
    context["form"] = form
    if current.slug == "programmes":
        context["advice"] = {result.programme.code: result for result in apply_flow.screening(answers)}
    return render(request, current.template, context)


def check(request, error: str = ""):
    """Every answer with a change link; send, or sign in first to prove the phone number."""
    draft = drafts.load(request)
    if apply_flow.first_unanswered(draft["answers"]) is not None:
        return redirect(_next_url(draft["answers"]))
    signed_in = is_citizen(request)
    return render(
        request,
        "portal/apply/check.html",
        {
            "rows": apply_flow.summary_rows(draft["answers"]),
            "signed_in": signed_in,
            "phone": phone_of(request.user) if signed_in else "",
            "sign_in_url": sign_in_url(reverse("portal:apply_check")),
            "error": error,
        },
        status=400 if error else 200,
    )


@require_POST
def submit(request):
    """Submit the checked draft once: a second press finds the same application and makes nothing new."""
    if not is_citizen(request):
        return redirect(sign_in_url(reverse("portal:apply_check")))
    draft = drafts.load(request)
    if not draft["answers"] and request.session.get(LAST_APPLICATION_KEY):
        return redirect("portal:apply_done")
    if apply_flow.first_unanswered(draft["answers"]) is not None:
        return redirect(_next_url(draft["answers"]))
    if over_limit(request, "apply_submit"):
        return too_many_requests(request)
    try:
        result = apply_flow.submit_draft(draft, phone=phone_of(request.user), language=translation.get_language())
    except ApplicationError as error:
        return check(request, error=error.messages[0])
    link_people(request.user)
    request.session[LAST_APPLICATION_KEY] = {
        "reference": result.application.reference if result.application else "",
        "references": result.references,
        "already_open": result.already_open,
    }
    drafts.clear(request)
    return redirect("portal:apply_done")


def done(request):
    """The confirmation: the reference to keep and what happens next."""
    last = request.session.get(LAST_APPLICATION_KEY)
    if not last:
        return redirect("portal:apply_start")
    programmes = {p.code: p for p in Programme.objects.filter(code__in=last["references"]).prefetch_related("names")}
    new = [
        programmes[code] for code, ref in last["references"].items() if ref == last["reference"] and code in programmes
    ]
    earlier = [(programmes[code], last["references"][code]) for code in last["already_open"] if code in programmes]
    return render(
        request,
        "portal/apply/done.html",
        {"reference": last["reference"], "new_programmes": new, "earlier": earlier},
    )
