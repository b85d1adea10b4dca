"""The `danvan` entry point.

Loading the commands takes a tenth of a second; a Ctrl-C in that time raised KeyboardInterrupt
inside an import, before run_main could catch it, and printed a Python traceback. Kept free of
imports so that window is as short as Python's own start.
"""

import sys


def main() -> None:
    try:
        from danvan_sheets.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("Đã dừng.\n")
        sys.exit(130)
    run()
