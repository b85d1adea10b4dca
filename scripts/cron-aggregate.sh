#!/usr/bin/env bash
# Tổng hợp đăng ký theo lịch (cron): đọc nguồn trong [source] của tệp cấu hình, ghi các trang
# tổng hợp, ghi một dòng nhật ký cho mỗi lần chạy. Không in gì khi chạy tốt.
#
# Biến môi trường (đều không bắt buộc):
#   DANVAN_CONFIG   tệp cấu hình (mặc định config/danvan.toml trong thư mục dự án)
#   DANVAN_LOG      tệp nhật ký (mặc định [cron] log_file, nếu không có thì cron/tong-hop.log trong thư mục dữ liệu)
# Tham số thêm được chuyển thẳng cho `danvan aggregate`, ví dụ: --out out/tong-hop.xlsx
#
# Mã thoát như `danvan aggregate`: 0 đã ghi xong (hoặc lần chạy khác đang chạy nên bỏ qua),
# 2 sai cấu hình, 3 lỗi nguồn dữ liệu hoặc lỗi Google.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 2

# cron chạy với môi trường tối giản: đặt rõ bảng mã để chữ Việt trong nhật ký không bị hỏng.
export LANG="${LANG:-C.UTF-8}"
export LC_ALL="${LC_ALL:-C.UTF-8}"
export PYTHONIOENCODING=utf-8

DANVAN="$ROOT/.venv/bin/danvan"
if [ ! -x "$DANVAN" ]; then
  echo "Chưa cài công cụ: không thấy $DANVAN. Hãy chạy scripts/test.sh (hoặc scripts/demo.sh) một lần để tạo .venv." >&2
  exit 2
fi

CONFIG="${DANVAN_CONFIG:-$ROOT/config/danvan.toml}"
# Without DANVAN_LOG the log is [cron] log_file, else cron/tong-hop.log in the data folder (DANVAN_DATA_DIR, else per user).
LOG_ARGS=()
if [ -n "${DANVAN_LOG:-}" ]; then LOG_ARGS=(--log-file "$DANVAN_LOG"); fi

exec "$DANVAN" aggregate --quiet --config "$CONFIG" "${LOG_ARGS[@]}" "$@"
