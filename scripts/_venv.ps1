# Dot-sourced by demo.ps1 and test.ps1 (Windows PowerShell 5.1 or PowerShell 7): what _venv.sh does on Linux.
# Create .venv once and reinstall only when pyproject.toml or constraints.txt changes; constraints.txt
# pins every package the quick start installs, so every laptop gets the same versions.
$ErrorActionPreference = "Stop"
$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root
# Vietnamese in the console and in files: UTF-8 both ways.
[Console]::OutputEncoding = [System.Text.Encoding]::UTF8
$env:PYTHONUTF8 = "1"
$env:PYTHONIOENCODING = "utf-8"

$Py = if ($env:PYTHON) { $env:PYTHON } else { "py" }
$PyArgs = if ($Py -eq "py") { @("-3") } else { @() }
& $Py @PyArgs -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)"
if ($LASTEXITCODE -ne 0) {
    Write-Error "Cần Python 3.11 trở lên (cài từ python.org, đánh dấu “Add python.exe to PATH”)."
    exit 2
}
$VenvPy = Join-Path $Root ".venv\Scripts\python.exe"
if (-not (Test-Path $VenvPy)) {
    & $Py @PyArgs -m venv .venv
}
$Hash = & $VenvPy -c "import hashlib, pathlib; print(hashlib.sha256(pathlib.Path('pyproject.toml').read_bytes() + pathlib.Path('constraints.txt').read_bytes()).hexdigest()[:16])"
$Stamp = Join-Path $Root ".venv\.installed-$Hash"
if (-not (Test-Path $Stamp)) {
    try { & $VenvPy -m pip install --quiet --upgrade pip *> $null } catch { }
    & $VenvPy -m pip install --quiet -c constraints.txt -e ".[test]"
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    Remove-Item -Force -ErrorAction SilentlyContinue (Join-Path $Root ".venv\.installed-*")
    New-Item -ItemType File -Path $Stamp | Out-Null
}
$Danvan = Join-Path $Root ".venv\Scripts\danvan.exe"
