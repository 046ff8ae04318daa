"""The local terminal chat: the coach with no token and no network."""
