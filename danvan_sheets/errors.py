"""Errors that reach the user. The CLI maps each class to its exit code."""


class DanvanError(Exception):
    """A message for the user, in Vietnamese. Never exit 1: cron reads 1 as "units flagged"."""

    exit_code = 3


class ConfigError(DanvanError):
    """Usage or configuration error: exit 2."""

    exit_code = 2


class SourceError(DanvanError):
    """The source (file, folder, Google) cannot be read or written: exit 3."""

    exit_code = 3


_OS_REASONS = {
    "ENOENT": "không có tệp hay thư mục này",
    "EACCES": "không có quyền truy cập",
    "EPERM": "không được phép",
    "EISDIR": "đây là thư mục, không phải tệp",
    "ENOTDIR": "một phần của đường dẫn không phải thư mục",
    "EEXIST": "đường dẫn đã có và không ghi đè được",
    "ENOSPC": "ổ đĩa đã đầy",
    "EROFS": "ổ đĩa chỉ cho đọc",
}


def os_reason(exc: OSError) -> str:
    """The operating system's complaint in Vietnamese (its own text is English)."""
    import errno

    name = errno.errorcode.get(exc.errno or -1, "")
    return _OS_REASONS.get(name, f"lỗi hệ thống {name or exc.errno}")
