"""The Telegram adapter: python-telegram-bot updates in, the coach's messages out."""
