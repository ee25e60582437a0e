"""The application layer: ports and the Resolver use case. Imports domain only."""
