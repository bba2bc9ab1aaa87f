"""Metrics (Prometheus), traces (OpenTelemetry) and structured logs.

Infrastructure: it knows no domain. Domains and infrastructure call the small helpers
here (``metrics.py``); the app factory, the worker settings and the composition root wire
the rest in (the ``/metrics`` route, the request middleware, the job wrapper).
"""
