"""Unattended runs of `danvan aggregate` (cron, Task Scheduler), one module per job:

- lock.py   — one run at a time (filelock: flock on Linux, msvcrt on Windows; dropped by the kernel
              when the process dies, so a killed run never leaves a stale lock);
- log.py    — one timestamped line per run in a rotating file, never a traceback when it cannot write;
- state.py  — the last success and the run of consecutive failures (JSON, replaced atomically);
- alert.py  — one e-mail to the staff after `alert_after_failures` failures in a row;
- job.py    — what `aggregate` does around the pipeline, tying the four together.

Nothing secret is ever written here: lines carry counts, paths and the Vietnamese error
messages, which name files but never their content. No click here: the CLI hands in how an
exception maps to an exit code.
"""
