"""The predictor sources here are fixtures read as text; they import ``cog``, so pytest must
not import them (``--doctest-modules`` would otherwise try)."""

collect_ignore_glob = ["example/*.py", "multifile/*.py", "multifile/pkg/*.py"]
