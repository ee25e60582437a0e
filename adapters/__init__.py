"""Adapters: the outside world (Docker, registries, builds, the CLI) behind the ports."""
