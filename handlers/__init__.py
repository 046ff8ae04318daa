"""One adapter per chat platform, each thin and alike: its events become the coach's intents
(`bot.coach.intents`), the coach's messages become its messages. `telegram/` (python-telegram-
bot), `discord/` (hikari), `terminal/` (the local chat)."""
