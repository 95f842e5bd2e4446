"""Inline mode: pages of results for what a user typed after `@bot`, and their cache."""
