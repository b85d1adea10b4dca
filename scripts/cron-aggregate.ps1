# Tổng hợp đăng ký theo lịch trên Windows (Task Scheduler), như scripts/cron-aggregate.sh trên Linux:
# đọc nguồn trong [source] của tệp cấu hình, ghi các trang tổng hợp, ghi một dòng nhật ký cho mỗi lần chạy.
#
# Biến môi trường (đều không bắt buộc):
#   DANVAN_CONFIG   tệp cấu hình (mặc định config\danvan.toml trong thư mục dự án)
#   DANVAN_LOG      tệp nhật ký (mặc định [cron] log_file, nếu không có thì cron\tong-hop.log trong thư mục dữ liệu)
# Tham số thêm được chuyển thẳng cho `danvan aggregate`, ví dụ: --out out\tong-hop.xlsx
#
# Mã thoát như `danvan aggregate`: 0 đã ghi xong (hoặc lần chạy khác đang chạy nên bỏ qua),
# 2 sai cấu hình, 3 lỗi nguồn dữ liệu hoặc lỗi Google.
$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root
$env:PYTHONUTF8 = "1"
$env:PYTHONIOENCODING = "utf-8"
$Danvan = Join-Path $Root ".venv\Scripts\danvan.exe"
if (-not (Test-Path $Danvan)) {
    [Console]::Error.WriteLine("Chưa cài công cụ: không thấy $Danvan. Hãy chạy scripts\test.ps1 (hoặc scripts\demo.ps1) một lần để tạo .venv.")
    exit 2
}
$Config = if ($env:DANVAN_CONFIG) { $env:DANVAN_CONFIG } else { Join-Path $Root "config\danvan.toml" }
$LogArgs = if ($env:DANVAN_LOG) { @("--log-file", $env:DANVAN_LOG) } else { @() }
& $Danvan aggregate --quiet --config $Config @LogArgs @args
exit $LASTEXITCODE
