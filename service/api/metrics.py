"""Prometheus metrics: requests and latency by endpoint and outcome, rule outcomes, photos in flight."""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)

disable_created_metrics()  # the *_created series only add noise to a scrape


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "idphoto_requests_total", "HTTP requests by endpoint and outcome", ["endpoint", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "idphoto_request_seconds", "Request latency by endpoint and outcome", ["endpoint", "outcome"],
            buckets=(0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6), registry=self.registry,
        )
        self.rules = Counter(
            "idphoto_rule_outcomes_total", "Rule outcomes of checked photos", ["rule", "status"], registry=self.registry
        )
        self.verdicts = Counter("idphoto_verdicts_total", "Verdicts of checked photos", ["verdict"], registry=self.registry)
        self.in_flight = Gauge("idphoto_photos_in_flight", "Photos being processed or waiting", registry=self.registry)
        self.worker_restarts = Counter(
            "idphoto_worker_restarts_total", "Engine workers replaced after a crash or timeout", registry=self.registry
        )

    def observe_report(self, report: dict) -> None:
        if report.get("verdict"):
            self.verdicts.labels(report["verdict"]).inc()
        for check in report.get("checks", []):
            self.rules.labels(check["id"], check["status"]).inc()
