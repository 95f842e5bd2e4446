"""Repositories in SQL both engines speak, over an engine's `Session` and its `Dialect`."""
