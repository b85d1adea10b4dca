"""The pure core: reading the form, checking quotas, compiling the summary. No I/O here."""
