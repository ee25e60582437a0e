#syntax=docker/dockerfile:1.4
FROM scratch

COPY src/checkpoints /src/checkpoints
COPY src/models /src/models
COPY src/root-large /src/root-large
