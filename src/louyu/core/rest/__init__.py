"""The REST machinery every app's ``api.py`` builds on: token authentication, pagination,
content negotiation and the one exception handler that turns domain errors into answers.
The ``louyu.api`` package only composes the apps' routes on top."""
