"""Bulk import of the building registry from the spreadsheets administrations keep.

The engine reads XLSX/XLS (python-calamine) and CSV (UTF-8 or GBK/GB18030), finds the header
row under any title rows, maps the usual Chinese column names to fields, normalises values,
places each building by region code or address, matches it against the registry (same code;
else same county and normalised name; else a fuzzy name match among the county's buildings
at the same normalised address or with a very close name) and either reports what would
change (dry run) or writes everything in one transaction.

Guarantees: a file-level problem raises ImportFileError with a Chinese message and writes
nothing; a bad row is rejected with its source row number and a Chinese reason and never
stops the others; a committed import is all-or-nothing and concurrent commits are
serialised (the registry is re-read under the lock, so importing one file twice at once
cannot create duplicates).

One module per step, in the order ``run.run_import`` takes them:

- ``errors``: ImportFileError (the whole file is refused) and RowError (one row is);
- ``readers``: ``read_table`` turns XLSX/XLS/CSV bytes into a header and numbered rows;
- ``bounds``: ``check_xlsx`` refuses a workbook that would expand too far or reaches beyond
  the rows and columns read, before any reader opens it;
- ``isolated``: ``read_table_isolated`` runs ``bounds`` and ``read_table`` in a child
  process with memory and CPU limits (what the import job and the CLI call);
- ``headers``: the fields, their Chinese column names and ``guess_mapping``;
- ``rows``: parsing one row's cells into field values and presence (ParsedRow), with the
  value words (是/否, 被拒, 在建 …);
- ``registry``: placing a row in its county, locking the jurisdictions and reading the
  existing buildings of the file's counties;
- ``matching``: which existing building each row is (code, name, fuzzy name);
- ``diff``: what each matched row would change;
- ``preview``: the first 50 rows with what the import does to each (``build_preview``) and
  a change as the reader sees it (``describe_change``);
- ``writer``: the bulk statements that apply those changes;
- ``run``: ``run_import``, tying the steps together in one transaction;
- ``rejected``: the refused rows as an XLSX for the clerk.

Callers import from the module they need; this package re-exports nothing.
"""
