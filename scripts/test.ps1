# Windows: set up .venv (first run only) and run the whole test suite, as test.sh does.
#   powershell -ExecutionPolicy Bypass -File scripts\test.ps1 [-k google]
. (Join-Path $PSScriptRoot "_venv.ps1")
& $VenvPy -m pytest @args
exit $LASTEXITCODE
