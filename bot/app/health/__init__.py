"""Health and metrics for operators: `/healthz` and Prometheus `/metrics` on an optional port."""
