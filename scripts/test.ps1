# Windows: set up .venv (first run only), lint, then run the test suite, as test.sh does.
#   powershell -ExecutionPolicy Bypass -File scripts\test.ps1 [-k google]
# The lint step (ruff on danvan_sheets\ and tests\, mypy on danvan_sheets\) fails the run like a
# failing test; $env:DANVAN_LINT = "0" skips it while you work on one test file.
. (Join-Path $PSScriptRoot "_venv.ps1")
if ($env:DANVAN_LINT -ne "0") {
    & $VenvPy -m ruff check --quiet danvan_sheets tests
    if ($LASTEXITCODE -ne 0) {
        Write-Error "ruff tìm thấy lỗi (xem trên). Sửa rồi chạy lại; ruff check --fix sửa được một số."
        exit 1
    }
    & $VenvPy -m mypy danvan_sheets
    if ($LASTEXITCODE -ne 0) {
        Write-Error "mypy tìm thấy lỗi kiểu (xem trên)."
        exit 1
    }
}
& $VenvPy -m pytest @args
exit $LASTEXITCODE
