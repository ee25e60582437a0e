"""In-memory fakes of every port, held to the same contract kit as the real adapters."""
