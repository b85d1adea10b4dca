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


TESTING_FIX = (
    "Cách khắc phục: trong Google Cloud Console → APIs & Services → OAuth consent screen bấm “Publish app” để "
    "chuyển sang “In production”, rồi chạy lại `danvan login`; hoặc dùng tài khoản dịch vụ "
    "([google] auth = \"service_account\")."
)
TESTING_ADVICE = (
    "Nếu ứng dụng OAuth của cơ quan đang ở trạng thái “Testing” (màn hình xin quyền, OAuth consent screen), "
    "Google hủy mã đăng nhập sau 7 ngày, nên lần chạy theo lịch sẽ dừng mỗi tuần. " + TESTING_FIX
)

STORAGE_ADVICE = (
    "Google từ chối tạo bảng tính (mã 403 storageQuotaExceeded): tài khoản dịch vụ không có dung lượng Drive "
    "riêng nên không tạo được tệp trong “Drive của tôi”. Hãy chọn một trong ba cách: "
    "(1) tạo bằng tài khoản Google của cán bộ: ghi [google] auth = \"oauth\", chạy `danvan login` rồi chạy lại "
    "lệnh này; (2) tạo trong một Drive dùng chung (Shared Drive) có thêm tài khoản dịch vụ làm thành viên: "
    "thêm --folder ĐƯỜNG_DẪN_THƯ_MỤC; (3) tự tạo bảng tính trên Google Sheets, chia sẻ cho {who} quyền Người "
    "chỉnh sửa, rồi chạy `danvan init --source gsheet:ĐƯỜNG_DẪN`."
)


def reason_of(exc: BaseException) -> str | None:
    """The machine-readable reason of a Google error body: Drive's errors[].reason or an
    ErrorInfo's reason (e.g. storageQuotaExceeded, RATE_LIMIT_EXCEEDED); None when absent."""
    response = getattr(exc, "response", None)
    try:
        body = response.json() if response is not None else None
    except Exception:  # noqa: BLE001 - an HTML page or a broken body has no reason
        return None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    for item in [*(error.get("errors") or []), *(error.get("details") or [])]:
        if isinstance(item, dict) and isinstance(item.get("reason"), str):
            return item["reason"]
    return None


def _refresh_failure(exc, what: str, email: str | None) -> SourceError:
    # The server's answer is left out: it may echo the signed assertion.
    if getattr(exc, "retryable", False):
        # google-auth marks 5xx and server_error/temporarily_unavailable answers retryable
        # (it already tried three times): Google's side, not the key.
        return SourceError(
            f"Máy chủ đăng nhập của Google đang lỗi khi {what} (đã thử lại nhiều lần). Khóa và mã đăng nhập "
            "không có vấn đề gì, không cần đổi; hãy chạy lại sau ít phút."
        )
    grant = "invalid_grant" in str(exc.args[0] if exc.args else "")
    if email is None:
        # A person's OAuth login (a service-account identity always has its e-mail here).
        head = (f"Mã đăng nhập Google của cán bộ đã hết hạn hoặc bị thu hồi khi {what}"
                f"{' (invalid_grant)' if grant else ''}. Hãy chạy lại `danvan login`. ")
        return SourceError(head + TESTING_ADVICE)
    return SourceError(
        f"Google không chấp nhận khóa đăng nhập khi {what} (khóa đã bị xóa, thu hồi hoặc sai?). "
        "Hãy tạo khóa mới trong Google Cloud Console, rồi chạy `danvan doctor`."
    )


def translate(exc: Exception, what: str, email: str | None = None, tries: int | None = None,
              write: bool = False) -> SourceError:
    """`what` says what we were doing: "đọc bảng tính", "ghi trang tổng hợp"…

    `email` is the service account's address; None means a person's OAuth login (or the emulator).
    `write`: `what` was a write, so a request that was sent and then not answered in time may
    have been applied all the same.
    """
    import requests
    from google.auth import exceptions as auth_exc

    from danvan_sheets.google.transport import BrokenReply

    status = status_of(exc)
    if isinstance(exc, BrokenReply) and exc.applied:
        # The write's status said done before its answer broke: never report it as failed.
        return SourceError(
            f"Google đã nhận yêu cầu khi {what} (mã {exc.status}) nhưng câu trả lời bị hỏng ({exc.detail}): "
            "việc ghi CÓ THỂ ĐÃ XONG. Hãy mở bảng tính kiểm tra (trang Tổng hợp có giờ cập nhật mới không); "
            "chạy lại lệnh cũng an toàn, không ghi trùng."
        )
    if isinstance(exc, (BrokenReply, requests.JSONDecodeError)):
        detail = exc.detail if isinstance(exc, BrokenReply) else "không phải JSON"
        return SourceError(
            f"Google trả lời không đúng dạng khi {what} ({detail}). Thường do mạng hoặc proxy của cơ quan chặn, "
            "sửa nội dung, hoặc Google tạm trục trặc. Hãy chạy lại sau ít phút; nếu vẫn vậy, thử mạng khác "
            "và chạy `danvan doctor`."
        )
    # The token refresh happens before the request itself: a revoked or deleted key (RefreshError)
    # or an unreachable token endpoint (TransportError) surfaced as a traceback with exit 1 before.
    if isinstance(exc, auth_exc.RefreshError):
        return _refresh_failure(exc, what, email)
    if isinstance(exc, auth_exc.TransportError):
        return SourceError(
            f"Không kết nối được tới máy chủ đăng nhập của Google khi {what}. Kiểm tra mạng rồi chạy lại."
        )
    if write and isinstance(exc, requests.Timeout) and not isinstance(exc, requests.ConnectTimeout):
        # Sent, then no whole answer within the deadline: Google may have applied the batch (it is
        # all or nothing), so "failed" or "the old summary is intact" could both be false.
        return SourceError(
            f"Hết thời gian chờ Google trả lời khi {what}{_tries(tries)}: việc ghi CÓ THỂ ĐÃ XONG hoặc chưa. "
            "Hãy mở bảng tính kiểm tra (trang Tổng hợp có giờ cập nhật mới không); chạy lại lệnh cũng an toàn, "
            "không ghi trùng. Nếu lần nào cũng vậy, kiểm tra mạng."
        )
    if isinstance(exc, requests.Timeout):
        return SourceError(f"Hết thời gian chờ Google khi {what}. Kiểm tra mạng rồi chạy lại.")
    if isinstance(exc, requests.ConnectionError):
        return SourceError(f"Không kết nối được tới Google khi {what}. Kiểm tra mạng rồi chạy lại.")
    if status == 404:
        return SourceError(f"Không tìm thấy bảng tính khi {what} (mã 404). Kiểm tra lại mã/đường dẫn bảng tính "
                           f"(chép nguyên đường dẫn trên thanh địa chỉ). {share_advice(email)}")
    if status == 403 and reason_of(exc) == "storageQuotaExceeded":
        return SourceError(STORAGE_ADVICE.format(who=email or "tài khoản dùng để chạy công cụ"))
    if status == 403:
        return SourceError(f"Không có quyền {what} (mã 403). {share_advice(email)}")
    if status == 401:
        return SourceError(
            f"Google từ chối đăng nhập khi {what} (mã 401). Kiểm tra tệp khóa hoặc chạy lại `danvan login`."
        )
    if status == 429:
        return SourceError(
            f"Google giới hạn số lần truy cập khi {what} (mã 429){_tries(tries)}. Dữ liệu cũ vẫn giữ nguyên; hãy chạy "
            "lại sau ít phút."
        )
    if status == 400:
        return SourceError(
            f"Google từ chối yêu cầu khi {what} (mã 400{_google_says(exc)}). Thường do bảng tính vừa bị sửa "
            "trong lúc chạy (trang bị xóa, đổi tên, thêm bớt dòng) hoặc một ô quá dài: hãy chạy lại. Nếu vẫn lỗi, "
            "chạy `danvan doctor` và gửi nguyên thông báo này cho người bảo trì công cụ."
        )
    if status == 414:
        return SourceError(f"Yêu cầu gửi Google quá dài khi {what} (mã 414).")
    if status is not None and status >= 500:
        return SourceError(
            f"Máy chủ Google đang lỗi khi {what} (mã {status}){_tries(tries)}. "
            "Tổng hợp cũ vẫn giữ nguyên; hãy chạy lại sau."
        )
    message = ""
    if status is not None:
        message = f" (mã {status}{_google_says(exc)})"
    return SourceError(f"Google báo lỗi khi {what}{message}. Hãy chạy lại; nếu vẫn lỗi, chạy `danvan doctor` "
                       "và gửi nguyên thông báo này cho người bảo trì công cụ.")


def _google_says(exc: BaseException) -> str:
    """": Google's own message", one line and short, when its error body has one."""
    response = getattr(exc, "response", None)
    if response is None:
        return ""
    try:
        message = response.json()["error"]["message"]
    except Exception:  # noqa: BLE001 - an HTML page, a broken body: nothing to quote
        return ""
    if not isinstance(message, str) or not message.strip():
        return ""
    from danvan_sheets.writers.safe_text import capped, one_line

    return f": “{capped(one_line(message), 200)}”"


def _tries(tries: int | None) -> str:
    return f", đã thử {tries} lần" if tries else ""
