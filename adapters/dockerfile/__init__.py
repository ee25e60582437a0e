"""The Dockerfile build backend: Cog-compatible Dockerfiles, build contexts and labels."""
