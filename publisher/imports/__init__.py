"""Timetables and changes from the tools schools use: aSc Timetables XML,
spreadsheets (CSV, XLSX) and Untis text exports. See docs/imports.md."""
