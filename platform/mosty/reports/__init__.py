"""Partnership reports: aggregates for a period, small-cell suppression, charts, XLSX and PDF,
and the monthly reports stored and mailed by beat."""
