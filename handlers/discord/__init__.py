"""Discord, as one adapter on the coach's core: DMs and slash commands in, Markdown out."""
