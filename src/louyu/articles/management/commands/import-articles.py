"""`louyu import-articles FILE...`, the spelling the README uses; same as `import_articles`."""

from louyu.articles.management.commands.import_articles import Command  # noqa: F401
