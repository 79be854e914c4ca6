"""Errors that the CLI turns into a one-line message on stderr and exit status 2."""


class UserError(Exception):
    """Bad input from the user: reported in one line, exit status 2, nothing changed."""
