"""Dates in French as French readers write them: "1 déc. 2026", "1 déc. 2026 à 14:30", "01/12/2026"
(N is the abbreviated month, "déc.", "janv.", "mars"; M would capitalise it without its dot). What is
not here comes from Django's own French formats."""

DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y à H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
