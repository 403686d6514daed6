"""Errors a user can read: each says what went wrong and with which file."""


class SmpError(Exception):
    """Base class for every error SMP Studio reports to the user."""


class PhotoError(SmpError):
    """A photo could not be used (unreadable, damaged, too large, ...)."""


class SettingsError(SmpError):
    """A setting, hairline file or parameter is out of range or malformed."""


class NoScalpError(SmpError):
    """The photo shows no bald or thinning scalp to treat (full hair, or no head at all)."""
