"""Africa's Talking SMS callbacks."""

urlpatterns: list = []
