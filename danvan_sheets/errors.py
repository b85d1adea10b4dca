"""Errors that reach the user. The CLI maps each class to its exit code."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class DanvanError(Exception):
    """A message for the user, in Vietnamese. Never exit 1: cron reads 1 as "units flagged"."""

    exit_code = 3


@dataclass(frozen=True)
class ConfigProblem:
    """One wrong key of a configuration file; collected, then reported together."""

    key: str
    text: str

    def __str__(self) -> str:
        return f"Cấu hình sai ở khóa `{self.key}`: {self.text}"


class ConfigError(DanvanError):
    """Usage or configuration error: exit 2."""

    exit_code = 2

    def __init__(self, message: str, problems: tuple[ConfigProblem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems

    @classmethod
    def of(cls, problems: list[ConfigProblem], path: Path | None = None) -> ConfigError:
        """Every problem of one file in one message: the key of each, in the file's order."""
        if len(problems) == 1:
            text = str(problems[0]) + (f" (tệp {path})" if path else "")
        else:
            head = f"Tệp cấu hình {path}" if path else "Cấu hình"
            head += f" có {len(problems)} chỗ sai:"
            text = "\n".join([head, *(f"  - {p}" for p in problems)])
        return cls(text, tuple(problems))


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
    "EDQUOT": "đã hết dung lượng được cấp trên ổ đĩa",
    "EROFS": "ổ đĩa chỉ cho đọc",
}


def os_reason(exc: OSError) -> str:
    """The operating system's complaint in Vietnamese (its own text is English)."""
    import errno

    name = errno.errorcode.get(exc.errno or -1, "")
    return _OS_REASONS.get(name, f"lỗi hệ thống {name or exc.errno}")
