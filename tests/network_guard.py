"""Make any connection to a non-loopback address fail loudly during tests.

The error is a ``BaseException`` so that no ``except Exception`` in the code under test can
swallow it and carry on as if the network had merely been slow.
"""

from __future__ import annotations

import ipaddress
import socket


class NetworkAccessDenied(BaseException):
    """A test tried to reach a host other than this machine."""


_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex


def is_loopback(host: str) -> bool:
    """Tell whether ``host`` (an address or a name) is this machine."""
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _check(sock: socket.socket, address) -> None:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return
    host = address[0] if isinstance(address, tuple) else str(address)
    if not is_loopback(str(host)):
        raise NetworkAccessDenied(f"Tests may only connect to loopback addresses, not {address!r}.")


def _guarded_connect(self, address):
    _check(self, address)
    return _original_connect(self, address)


def _guarded_connect_ex(self, address):
    _check(self, address)
    return _original_connect_ex(self, address)


def install() -> None:
    """Patch ``socket.socket`` so that only loopback connections go through."""
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
