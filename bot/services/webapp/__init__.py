"""The Mini App's use cases: launch-data checks, the reading list, alerts, admin views."""
