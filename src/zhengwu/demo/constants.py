"""Facts of the demo every module of it shares (kept apart so they import nothing of the demo)."""

DEMO_PASSWORD = "zhengwu-demo"  # noqa: S105 (published demo password, demo data only)
# The demo citizen's ID number (a valid check character; the portal's own account).
CITIZEN_ID_NUMBER = "11010519491231002X"
