"""No test reaches the internet: a connection to a non-loopback address fails loudly."""

from __future__ import annotations

import socket

import pytest

from tests.network_guard import NetworkAccessDenied, is_loopback


def test_a_connection_to_a_public_address_fails():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(NetworkAccessDenied):
            sock.connect(("93.184.216.34", 443))
    finally:
        sock.close()


def test_the_guard_cannot_be_swallowed_by_except_exception():
    def careless_client():
        try:
            socket.create_connection(("8.8.8.8", 53), timeout=1)
        except Exception:
            return "swallowed"
        return "connected"

    with pytest.raises(NetworkAccessDenied):
        careless_client()


def test_private_range_addresses_are_refused_too():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(NetworkAccessDenied):
            sock.connect_ex(("10.0.0.1", 80))
    finally:
        sock.close()


def test_loopback_connections_go_through():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        client.connect(server.getsockname())
    finally:
        client.close()
        server.close()
    assert is_loopback("::1") and is_loopback("localhost") and not is_loopback("example.org")
