"""Writes of the reporting app: ``reports`` (monthly reports) and ``bulletins``."""
