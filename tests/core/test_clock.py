import datetime as dt

import pytest
import time_machine

from zhengwu.core import clock


def test_now_is_aware_utc_and_today_is_shanghai():
    with time_machine.travel(dt.datetime(2025, 9, 30, 17, 30, tzinfo=dt.UTC), tick=False):
        assert clock.now() == dt.datetime(2025, 9, 30, 17, 30, tzinfo=dt.UTC)
        assert clock.today() == dt.date(2025, 10, 1)  # 01:30 in Shanghai


def test_frozen_overrides_in_context_only():
    moment = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    with clock.frozen(moment):
        assert clock.now() == moment
    assert clock.now() != moment
    with pytest.raises(ValueError):
        with clock.frozen(dt.datetime(2020, 1, 1)):
            pass


def test_end_of_day_is_the_last_shanghai_instant():
    end = clock.end_of_day(dt.date(2025, 11, 4))
    assert clock.local_date(end) == dt.date(2025, 11, 4)
    assert clock.local_date(end + dt.timedelta(microseconds=1)) == dt.date(2025, 11, 5)
