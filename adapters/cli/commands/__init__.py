"""One module per command (or pair of commands); each has ``run(ctx, args) -> exit code``."""
