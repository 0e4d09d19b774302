"""Dates in English as the company writes them (British usage, a 24-hour clock): "1 Dec 2026",
"1 Dec 2026, 14:30", "01/12/2026". What is not here comes from Django's own English formats.
Templates ask for these by name: date:"DATE_FORMAT", date:"DATETIME_FORMAT", date:"SHORT_DATETIME_FORMAT"."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
