"""Docker Engine adapters on docker-py (local images, builds, containers)."""
