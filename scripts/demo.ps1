# Windows: set up .venv (first run only) and run the main job on the bundled demo data, as demo.sh does.
#   powershell -ExecutionPolicy Bypass -File scripts\demo.ps1
. (Join-Path $PSScriptRoot "_venv.ps1")
New-Item -ItemType Directory -Force -Path out | Out-Null
& $Danvan aggregate --source xlsx:demo/dang-ky-2023.xlsx --units demo/don-vi.csv --out out/tong-hop-2023.xlsx @args
exit $LASTEXITCODE
