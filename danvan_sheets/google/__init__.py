"""The Google edge: auth, a bounded-retry transport, pulling tabs, writing the summary, laying out the sheet."""

SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
DRIVE_FILE_SCOPE = "https://www.googleapis.com/auth/drive.file"
EMULATOR_ENV = "SHEETS_EMULATOR_HOST"
