"""Saving from the private chat: forwarded channel posts and pasted links."""
