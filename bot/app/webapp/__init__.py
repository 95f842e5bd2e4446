"""The Mini App's web server: the static page and its JSON API (started when WEBAPP_URL is set)."""

from bot.app.webapp.server import WebAppServer, webapp_base_path

__all__ = ["WebAppServer", "webapp_base_path"]
