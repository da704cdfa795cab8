"""User-facing exceptions.

A `UserError` carries a Vietnamese message meant for the clerk and the exit code the command line
returns; anything else that escapes is a bug, logged with its traceback to a file, not shown.

File-system conditions (a full or read-only disk, a missing permission, a path that is a file where a
folder is needed) are the user's to fix, not bugs: `file_system_error` turns an `OSError` into a
`FileSystemError` whose message names the path and says what is wrong in plain words.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_BUG = 3  # a bug in the tool: its traceback goes to a log file, never to the clerk's screen
EXIT_INTERRUPTED = 130  # Ctrl+C, as a shell reports it
INTERRUPTED = "Đã dừng theo yêu cầu; không có tệp kết quả nào bị ghi dở."


class UserError(Exception):
    """A problem the user can fix: bad usage, a missing folder, a broken settings file."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class SettingsError(UserError):
    """bao-cao.toml is missing, unreadable or does not follow the schema."""


class DataFolderError(UserError):
    """The data folder or don-vi.csv is missing or unusable as a whole."""


class FileSystemError(UserError):
    """A file or folder cannot be read or written: permissions, a full or read-only disk, a wrong kind of path."""


# errno -> (what is wrong, what to do). Anything not listed falls back to the system's own wording.
_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("ổ đĩa đã đầy", "Giải phóng chỗ trống trên ổ đĩa (hoặc chọn thư mục khác) rồi chạy lại."),
    errno.EDQUOT: ("đã dùng hết dung lượng được cấp", "Xóa bớt tệp hoặc chọn thư mục khác rồi chạy lại."),
    errno.EROFS: ("ổ đĩa chỉ cho phép đọc", "Chọn thư mục kết quả khác (--out) rồi chạy lại."),
    errno.EACCES: ("không có quyền truy cập", "Kiểm tra quyền đọc/ghi của tệp hoặc thư mục này rồi chạy lại."),
    errno.EPERM: ("không được phép thao tác", "Kiểm tra quyền đọc/ghi của tệp hoặc thư mục này rồi chạy lại."),
    errno.ENOENT: ("không tồn tại", "Kiểm tra lại đường dẫn."),
    errno.ENOTDIR: ("một phần của đường dẫn là tệp chứ không phải thư mục", "Kiểm tra lại đường dẫn."),
    errno.EISDIR: ("là một thư mục chứ không phải tệp", "Đổi tên hoặc chuyển thư mục này đi rồi chạy lại."),
    errno.ENAMETOOLONG: ("đường dẫn quá dài", "Chọn thư mục có đường dẫn ngắn hơn."),
    errno.ELOOP: ("liên kết tượng trưng trỏ vòng", "Kiểm tra lại các liên kết trong đường dẫn."),
    errno.EIO: ("lỗi đọc/ghi của thiết bị", "Kiểm tra ổ đĩa (hoặc ổ mạng, USB) rồi chạy lại."),
    errno.EMFILE: ("mở quá nhiều tệp cùng lúc", "Chạy lại với --jobs nhỏ hơn."),
    errno.ENFILE: ("hệ thống mở quá nhiều tệp cùng lúc", "Chạy lại sau ít phút."),
    errno.EBUSY: ("đang được chương trình khác sử dụng", "Đóng chương trình đó rồi chạy lại."),
    errno.ETXTBSY: ("đang được chương trình khác sử dụng", "Đóng chương trình đó rồi chạy lại."),
    errno.EEXIST: ("đã có sẵn", "Đổi tên hoặc chuyển tệp đó đi rồi chạy lại."),
}


def describe_os_error(exc: OSError) -> str:
    """The reason of an `OSError` in Vietnamese ("ổ đĩa đã đầy"), without the path."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno][0]
    if exc.errno:
        return f"lỗi hệ thống: {os.strerror(exc.errno)}"
    return f"lỗi hệ thống: {exc.strerror or type(exc).__name__}"


def file_system_error(exc: OSError, path: Path | str | None = None, *, writing: bool | None = None) -> FileSystemError:
    """A clerk-readable `FileSystemError` for `exc`, naming `path` (or the path the error carries).

    `writing` picks the verb ("ghi" or "đọc"); when not given, a full or read-only disk means writing
    and anything else gets a neutral verb ("dùng").
    """
    where = exc.filename if path is None and exc.filename is not None else path
    if isinstance(where, bytes):
        where = os.fsdecode(where)
    if writing is None and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
        writing = True
    verb = {True: "ghi", False: "đọc", None: "dùng"}[writing]
    advice = _REASONS.get(exc.errno or 0, ("", "Kiểm tra lại tệp hoặc thư mục này rồi chạy lại."))[1]
    subject = f"Không {verb} được '{where}'" if where is not None else f"Không {verb} được tệp"
    return FileSystemError(f"{subject}: {describe_os_error(exc)}. {advice}")
