"""Kazakh date and number formats (Django ships none for kk, so dates fell back to 11/22/2026).

Kazakh writes the year first and the month name in lower case: «2026 ж. 22 қараша»,
«2026 ж. 22 қараша, 14:30»; short dates as 22.11.2026. `E` is Django's "alt. month" name, which
the kk catalogue of kenes.proposals gives in lower case (Django's own kk catalogue capitalises it).
The *_FORMAT strings use Django's date format syntax; *_INPUT_FORMATS use strftime syntax.
"""

DATE_FORMAT = "Y ж. j E"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y ж. j E, H:i"
YEAR_MONTH_FORMAT = "Y ж. E"
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # '22.11.2026'
    "%d.%m.%y",  # '22.11.26'
    "%Y-%m-%d",  # '2026-11-22'
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",  # '22.11.2026 14:30:59'
    "%d.%m.%Y %H:%M:%S.%f",  # '22.11.2026 14:30:59.000200'
    "%d.%m.%Y %H:%M",  # '22.11.2026 14:30'
    "%d.%m.%y %H:%M:%S",  # '22.11.26 14:30:59'
    "%d.%m.%y %H:%M",  # '22.11.26 14:30'
    "%Y-%m-%d %H:%M:%S",  # '2026-11-22 14:30:59'
    "%Y-%m-%d %H:%M",  # '2026-11-22 14:30'
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
NUMBER_GROUPING = 3
