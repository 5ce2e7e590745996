"""The reporting pages, one module per job: ``dashboard``, ``metrics`` (help and the lists
behind figures), ``reports`` (monthly reports), ``bulletins``."""
