"""Writers: the summary out to a workbook, the terminal, JSON/CSV, a Google sheet, e-mail."""
