import datetime as dt

from zhengwu.core.audit import GENESIS, canonical_json, chain_hash, first_break


def _chain(payloads):
    rows, prev = [], GENESIS
    for seq, payload in enumerate(payloads, start=1):
        digest = chain_hash(prev, payload)
        rows.append((seq, payload, prev, digest))
        prev = digest
    return rows


def test_canonical_json_is_stable_and_keeps_chinese():
    a = {"b": 1, "a": "受理", "t": dt.datetime(2025, 1, 2, 3, 4, tzinfo=dt.UTC)}
    b = {
        "t": dt.datetime(2025, 1, 2, 11, 4, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        "a": "受理",
        "b": 1,
    }
    assert canonical_json(a) == canonical_json(b) == '{"a":"受理","b":1,"t":"2025-01-02T03:04:00Z"}'


def test_intact_chain_has_no_break():
    assert first_break(_chain([{"k": "submit"}, {"k": "accept"}, {"k": "decide"}])) is None


def test_altered_reordered_and_deleted_rows_are_caught():
    rows = _chain([{"k": "submit"}, {"k": "accept"}, {"k": "decide"}])
    altered = list(rows)
    altered[1] = (2, {"k": "refuse"}, rows[1][2], rows[1][3])
    assert first_break(altered) == 1
    assert first_break([rows[0], rows[2], rows[1]]) == 1
    assert first_break([rows[0], rows[2]]) == 1
