"""The partner API's addresses: DCI endpoints (no trailing slash, as DCI clients build them) and /api/v1/."""

from django.urls import include, path
from oauth2_provider.views import RevokeTokenView, TokenView

from api import dci_views, enrolment_views
from api.v1 import api as v1

dci_urls = [
    path("registry/sync/search", dci_views.sync_search, name="dci_sync_search"),
    path("registry/search", dci_views.search, name="dci_search"),
    path("registry/subscribe", dci_views.subscribe, name="dci_subscribe"),
    path("registry/unsubscribe", dci_views.unsubscribe, name="dci_unsubscribe"),
    path("registry/txn/status", dci_views.txn_status, name="dci_txn_status"),
    path("registry/sync/txn/status", dci_views.sync_txn_status, name="dci_sync_txn_status"),
    path("registry/sync/enrollment/updates", enrolment_views.enrolment_updates, name="dci_enrolment_updates"),
    path("registry/sync/enrolled", enrolment_views.enrolled, name="dci_enrolled"),
]

urlpatterns = [
    path("dci/v1/", include(dci_urls)),
    path("v1/oauth/token/", TokenView.as_view(), name="oauth_token"),
    path("v1/oauth/revoke/", RevokeTokenView.as_view(), name="oauth_revoke"),
    path("v1/", v1.urls),
]
