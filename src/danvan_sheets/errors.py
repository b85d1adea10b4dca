"""Errors that reach the user. The CLI maps each class to its exit code."""


class DanvanError(Exception):
    """A message for the user, in Vietnamese."""

    exit_code = 1


class ConfigError(DanvanError):
    """Usage or configuration error: exit 2."""

    exit_code = 2


class SourceError(DanvanError):
    """The source (file, folder, Google) cannot be read or written: exit 3."""

    exit_code = 3
