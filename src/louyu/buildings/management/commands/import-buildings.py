"""`louyu import-buildings FILE`, the spelling the README uses; same as `import_buildings`."""

from louyu.buildings.management.commands.import_buildings import Command  # noqa: F401
