"""Test fixtures: see tests/infra/__init__.py. (placeholder, filled in by its issue)"""
