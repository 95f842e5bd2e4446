"""Use cases, one a module: what the bot does, in domain types and the storage contract.

Services never import `telegram`: handlers turn updates into calls here and results into
replies; `bot.delivery` sends what must go out on the bot's own initiative.
"""
