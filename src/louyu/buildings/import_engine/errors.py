"""The two ways an import refuses input: the whole file, or one row."""


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is for the clerk, in Chinese."""


class RowError(Exception):
    """One row cannot be imported; the message is its reason, in Chinese."""
