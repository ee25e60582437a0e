"""The ``cogmodel`` command line: a driving adapter that talks to the Resolver and the ports."""
