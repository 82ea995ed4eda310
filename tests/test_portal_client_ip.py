"""The client address used by every rate limit: the trusted proxy's header only when one is configured."""

from __future__ import annotations

from django.test import RequestFactory

from portal.client_ip import client_ip


def request_with(**meta):
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", **meta)


def test_without_a_trusted_header_the_socket_address_is_used_and_headers_are_ignored(settings):
    settings.TRUSTED_CLIENT_IP_HEADER = ""
    assert client_ip(request_with(HTTP_X_FORWARDED_FOR="198.51.100.1")) == "10.0.0.5"


def test_the_trusted_header_gives_the_address(settings):
    settings.TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    assert client_ip(request_with(HTTP_X_REAL_IP="198.51.100.1")) == "198.51.100.1"


def test_the_setting_may_name_the_header_as_django_sees_it(settings):
    settings.TRUSTED_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert client_ip(request_with(HTTP_X_REAL_IP="2001:db8::1")) == "2001:db8::1"


def test_addresses_a_client_put_before_the_proxys_own_are_not_believed(settings):
    settings.TRUSTED_CLIENT_IP_HEADER = "X-Forwarded-For"
    spoofed = request_with(HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")
    assert client_ip(spoofed) == "198.51.100.9"


def test_a_malformed_header_falls_back_to_the_socket_address(settings):
    settings.TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    assert client_ip(request_with(HTTP_X_REAL_IP="not-an-address")) == "10.0.0.5"
    assert client_ip(request_with()) == "10.0.0.5"
