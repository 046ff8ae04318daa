"""Fakes shared by the tests and the benchmarks: the chat platforms' servers (real HTTP and
websockets), athletes written straight into a database, and the bot as a child process."""
