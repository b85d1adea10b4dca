#!/usr/bin/env bash
# Set up .venv (first run only) and run the main job on the bundled demo data.
source "$(dirname "$0")/_venv.sh"
mkdir -p out
.venv/bin/danvan aggregate --source xlsx:demo/dang-ky-2023.xlsx --units demo/don-vi.csv --out out/tong-hop-2023.xlsx "$@"
