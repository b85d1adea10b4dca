"""Google failures in Vietnamese, with what to do next. All are exit 3 (source failure)."""

from __future__ import annotations

from danvan_sheets.errors import SourceError


def share_advice(email: str | None) -> str:
    who = email or "tài khoản dùng để chạy công cụ"
    return f"Hãy chia sẻ bảng tính với {who} quyền Người chỉnh sửa, rồi chạy `danvan doctor` để kiểm tra."


def is_google_failure(exc: BaseException) -> bool:
    """What translate() turns into a Vietnamese message: gspread's APIError, a requests failure,
    or a google-auth failure while getting a token."""
    import gspread
    import requests
    from google.auth.exceptions import GoogleAuthError

    return isinstance(exc, (gspread.exceptions.APIError, requests.RequestException, GoogleAuthError))


def status_of(exc: Exception) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


def translate(exc: Exception, what: str, email: str | None = None, tries: int | None = None) -> SourceError:
    """`what` says what we were doing: "đọc bảng tính", "ghi trang tổng hợp"…"""
    import requests

    from google.auth import exceptions as auth_exc

    status = status_of(exc)
    # The token refresh happens before the request itself: a revoked or deleted key (RefreshError)
    # or an unreachable token endpoint (TransportError) surfaced as a traceback with exit 1 before.
    # The server's answer is left out: it may echo the signed assertion.
    if isinstance(exc, auth_exc.RefreshError):
        return SourceError(
            f"Google không chấp nhận khóa đăng nhập khi {what} (khóa đã bị xóa, thu hồi hoặc sai?). "
            "Hãy tạo khóa mới trong Google Cloud Console (hoặc chạy lại `danvan login`), rồi chạy `danvan doctor`."
        )
    if isinstance(exc, auth_exc.TransportError):
        return SourceError(f"Không kết nối được tới máy chủ đăng nhập của Google khi {what}. Kiểm tra mạng rồi chạy lại.")
    if isinstance(exc, requests.Timeout):
        return SourceError(f"Hết thời gian chờ Google khi {what}. Kiểm tra mạng rồi chạy lại.")
    if isinstance(exc, requests.ConnectionError):
        return SourceError(f"Không kết nối được tới Google khi {what}. Kiểm tra mạng rồi chạy lại.")
    if status == 404:
        return SourceError(f"Không tìm thấy bảng tính khi {what} (mã 404). Kiểm tra lại mã/đường dẫn. {share_advice(email)}")
    if status == 403:
        return SourceError(f"Không có quyền {what} (mã 403). {share_advice(email)}")
    if status == 401:
        return SourceError(f"Google từ chối đăng nhập khi {what} (mã 401). Kiểm tra tệp khóa hoặc chạy lại `danvan login`.")
    if status == 429:
        return SourceError(
            f"Google giới hạn số lần truy cập khi {what} (mã 429){_tries(tries)}. Dữ liệu cũ vẫn giữ nguyên; hãy chạy lại sau ít phút."
        )
    if status == 414:
        return SourceError(f"Yêu cầu gửi Google quá dài khi {what} (mã 414).")
    if status is not None and status >= 500:
        return SourceError(
            f"Máy chủ Google đang lỗi khi {what} (mã {status}){_tries(tries)}. Tổng hợp cũ vẫn giữ nguyên; hãy chạy lại sau."
        )
    message = ""
    if status is not None:
        message = f" (mã {status})"
    return SourceError(f"Google báo lỗi khi {what}{message}.")


def _tries(tries: int | None) -> str:
    return f", đã thử {tries} lần" if tries else ""
