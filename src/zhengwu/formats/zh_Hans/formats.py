"""The project's one display style per kind in Chinese (docs/decisions/0006): a date is
2026年12月6日 and a date with its time 2026年12月6日 14:05, as ``zhengwu.core.display`` writes them;
machine fields (date inputs, file names, data attributes) stay ISO 2026-12-06."""

DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
FIRST_DAY_OF_WEEK = 1
