"""Benchmark-only middleware: a ``Server-Timing`` header with the time spent inside Django.

Installed first in the stack only when ``LANGO_BENCH_SERVER_TIMING`` is set, so that the benchmark
measures the same span for a USSD hop and for the bare view.
"""

from __future__ import annotations

import time


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.3f}"
        return response
