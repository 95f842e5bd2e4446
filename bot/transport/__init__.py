"""The Telegram transport: the Bot API's HTTP layer, update processing, pacing, send errors.

It knows how to talk to Telegram, not what the bot talks about: no feature imports it
for anything but sending, and it imports no feature.
"""
