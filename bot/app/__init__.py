"""Wiring: settings to a running application (`build_application`), lifecycle and jobs."""
