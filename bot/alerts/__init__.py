"""Personal alerts (`/follow`): new articles matched against users' follows, sent grouped.

`bot.alerts.matcher` turns queued new articles into pending alerts, `bot.alerts.message`
renders one user's alerts as one message, and `bot.delivery.alert_sender.AlertSender` runs both in
the background, paced like every other message.
"""
