"""Citizen web pages (under a language prefix)."""

from django.urls import path, re_path

from portal.views import account, apply, callback, complaints, confirm_phone, mydata, sign_in, stats, tracking

app_name = "portal"

REFERENCE = r"(?P<reference>[0-9]{10})"

urlpatterns = [
    path("sign-in/", sign_in.sign_in, name="sign_in"),
    path("sign-in/code/", sign_in.sign_in_code, name="sign_in_code"),
    path("sign-in/new-code/", sign_in.resend_code, name="sign_in_resend"),
    path("sign-out/", sign_in.sign_out, name="sign_out"),
    path("signed-out/", sign_in.signed_out, name="signed_out"),
    path("apply/", apply.start, name="apply_start"),
    path("apply/check/", apply.check, name="apply_check"),
    path("apply/submit/", apply.submit, name="apply_submit"),
    path("apply/done/", apply.done, name="apply_done"),
    path("apply/<slug:slug>/", apply.step, name="apply_step"),
    path("account/", account.overview, name="account"),
    re_path(rf"^account/applications/{REFERENCE}/$", account.application_detail, name="account_application"),
    re_path(rf"^account/applications/{REFERENCE}/withdraw/$", account.withdraw, name="account_withdraw"),
    re_path(
        rf"^account/applications/{REFERENCE}/(?P<programme>[-a-z0-9_]+)/withdraw/$",
        account.withdraw,
        name="account_withdraw_programme",
    ),
    re_path(
        rf"^account/applications/{REFERENCE}/(?P<programme>[-a-z0-9_]+)/appeal/$",
        account.appeal,
        name="account_appeal",
    ),
    re_path(rf"^account/complaints/{REFERENCE}/$", account.complaint_detail, name="account_complaint"),
    re_path(rf"^account/complaints/{REFERENCE}/appeal/$", account.complaint_appeal, name="account_complaint_appeal"),
    re_path(rf"^account/complaints/{REFERENCE}/rate/$", account.complaint_rate, name="account_complaint_rate"),
    re_path(rf"^account/complaints/{REFERENCE}/rated/$", account.complaint_rated, name="account_complaint_rated"),
    path("account/language/", account.language, name="account_language"),
    path("account/sms/", account.sms, name="account_sms"),
    path("account/my-data/", mydata.my_data, name="account_my_data"),
    path("account/my-data/download/", mydata.my_data_download, name="account_my_data_download"),
    path("account/consent/", mydata.consent, name="account_consent"),
    path("account/my-data/correct/", mydata.correction, name="account_correction"),
    path("account/my-data/erase/", mydata.erasure, name="account_erasure"),
    path("complain/", complaints.complain, name="complain"),
    re_path(r"^confirm/(?P<token>[-_A-Za-z0-9]{8,32})/$", confirm_phone.confirm_phone, name="confirm_phone"),
    path("track/", tracking.track, name="track"),
    re_path(rf"^track/{REFERENCE}/$", tracking.tracked_case, name="tracked_case"),
    re_path(rf"^track/{REFERENCE}/rate/$", tracking.rate_tracked_case, name="tracked_case_rate"),
    re_path(rf"^track/{REFERENCE}/rated/$", tracking.tracked_case_rated, name="tracked_case_rated"),
    re_path(rf"^track/{REFERENCE}/appeal/$", tracking.appeal_tracked_case, name="tracked_case_appeal"),
    path("call-me-back/", callback.call_me_back, name="call_me_back"),
    path("stats/", stats.statistics, name="stats"),
    path("stats/year/", stats.statistics, {"period": "current_year"}, name="stats_year"),
    path("stats/data/", stats.open_data, name="stats_data"),
    path("stats/data/datapackage.json", stats.datapackage, name="stats_datapackage"),
    re_path(r"^stats/data/(?P<name>[a-z_]+)\.(?P<fmt>csv|json)$", stats.data_file, name="stats_data_file"),
]
