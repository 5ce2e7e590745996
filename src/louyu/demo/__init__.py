"""Demo data for ``make run``, composed above the domain apps: each app's ``demo`` module
builds its own aggregate's data; ``seed_demo`` here runs them in order."""
