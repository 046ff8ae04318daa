"""`python -m bot`: the Telegram bot (same as `runstrong run`)."""

import sys

from bot.cli import main

sys.exit(main(["run", *sys.argv[1:]]))
