"""The CLI's sub-command handlers, one module per group; each is imported only when one of
its commands runs (the parsers are in `bot.cli.parsers`)."""
