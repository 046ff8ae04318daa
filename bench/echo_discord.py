"""The baseline for the Discord throughput benchmark: a bare hikari echo bot on the same fake
Discord (REST and gateway). Whatever RunStrong costs on top of hikari shows up as the ratio.

Run as `python -m bench.echo_discord` with DISCORD_BOT_TOKEN and DISCORD_API_URL (the REST
root, ending in /api/v10, as for the real bot) in the environment.
"""

from __future__ import annotations

import os

import hikari


def build() -> hikari.GatewayBot:
    bot = hikari.GatewayBot(
        os.environ["DISCORD_BOT_TOKEN"],
        rest_url=os.environ["DISCORD_API_URL"],
        intents=hikari.Intents.DM_MESSAGES,
        banner=None,
        logs=os.environ.get("LOG_LEVEL", "WARNING"),
    )

    @bot.listen(hikari.DMMessageCreateEvent)
    async def echo(event: hikari.DMMessageCreateEvent) -> None:
        if event.is_bot or not event.content:
            return  # our own echoes come back over the gateway, as on Discord
        await bot.rest.create_message(event.channel_id, event.content)

    return bot


def main() -> None:
    build().run(check_for_updates=False)


if __name__ == "__main__":
    main()
