"""Personal alerts (`/follow`): new articles matched against users' follows, sent grouped.

`matcher` turns queued new articles into pending alerts and `message` renders one user's
alerts as one message; `bot.delivery.alert_sender.AlertSender` runs both in the background,
paced like every other message.
"""
