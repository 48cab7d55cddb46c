"""Imports: participants and families (and other formats) from CSV and XLSX files, with a
column mapping saved per institution, a dry run that lists every row's problems and the
duplicates it would merge, and an all-or-nothing, idempotent commit run as a job."""
