"""The files a report can be, by extension: what the command line offers, without the renderers."""

FORMATS = (".xlsx", ".csv", ".png", ".docx")
TABLE_FORMATS = (".xlsx", ".csv")
