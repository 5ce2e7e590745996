"""The staff web shell's pages, one module each: ``home``, ``inbox``, ``notifications``,
``audit``, ``calendar`` and ``health``. Views are thin: they validate the query string or
form, call one selector or service with the signed-in user, and render. Nothing here reads a
model manager directly."""
