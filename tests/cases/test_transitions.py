"""The case transition table: every allowed row, and every other (state, action) pair refused."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

from zhengwu.cases import rules
from zhengwu.cases.rules import (
    ADMIN,
    APPLICANT,
    DEPARTMENT_HEAD,
    LEADER,
    REVIEWER,
    ROLES,
    SUPERVISOR,
    SYSTEM,
    TRANSITIONS,
    WINDOW_CLERK,
    Action,
    CaseRuleError,
    State,
    TransitionError,
    allowed_actions,
    next_state,
    transition,
)

S, A = State, Action
STATES_BEFORE = [None, *State]  # None: a case not yet submitted
TABLE = {(row.state, row.action): row for row in TRANSITIONS}

# The table as the brief states it, written out independently of rules.py.
EXPECTED = {
    (None, A.SUBMIT): ({APPLICANT, WINDOW_CLERK}, S.SUBMITTED),
    (S.SUBMITTED, A.REQUEST_SUPPLEMENT): ({WINDOW_CLERK}, S.SUPPLEMENT_REQUESTED),
    (S.SUBMITTED, A.ACCEPT): ({WINDOW_CLERK, REVIEWER}, S.ACCEPTED),
    (S.SUBMITTED, A.REFUSE): ({WINDOW_CLERK, REVIEWER}, S.REFUSED),
    (S.SUBMITTED, A.DEEM_ACCEPT): ({SYSTEM}, S.ACCEPTED),
    (S.SUBMITTED, A.WITHDRAW): ({APPLICANT, WINDOW_CLERK}, S.WITHDRAWN),
    (S.SUPPLEMENT_REQUESTED, A.SUPPLEMENT): ({APPLICANT, WINDOW_CLERK}, S.SUBMITTED),
    (S.SUPPLEMENT_REQUESTED, A.SUPPLEMENT_PART): (
        {APPLICANT, WINDOW_CLERK},
        S.SUPPLEMENT_REQUESTED,
    ),
    (S.SUPPLEMENT_REQUESTED, A.WITHDRAW): ({APPLICANT, WINDOW_CLERK}, S.WITHDRAWN),
    (S.ACCEPTED, A.SUSPEND): ({REVIEWER, DEPARTMENT_HEAD}, S.SUSPENDED),
    (S.ACCEPTED, A.EXTEND): ({DEPARTMENT_HEAD}, S.ACCEPTED),
    (S.ACCEPTED, A.DECIDE_GRANT): ({REVIEWER, DEPARTMENT_HEAD}, S.GRANTED),
    (S.ACCEPTED, A.DECIDE_DENY): ({REVIEWER, DEPARTMENT_HEAD}, S.DENIED),
    (S.ACCEPTED, A.WITHDRAW): ({APPLICANT, WINDOW_CLERK}, S.WITHDRAWN),
    (S.SUSPENDED, A.RESUME): ({REVIEWER, DEPARTMENT_HEAD}, S.ACCEPTED),
    (S.SUSPENDED, A.EXTEND): ({DEPARTMENT_HEAD}, S.SUSPENDED),
    (S.SUSPENDED, A.WITHDRAW): ({APPLICANT, WINDOW_CLERK}, S.WITHDRAWN),
    (S.GRANTED, A.DELIVER): ({WINDOW_CLERK}, S.DELIVERED),
}

ALLOWED = [
    pytest.param(row.state, row.action, role, row.next, id=f"{row.state}-{row.action}-{role}")
    for row in TRANSITIONS
    for role in sorted(row.roles)
]
WRONG_ROLE = [
    pytest.param(row.state, row.action, role, id=f"{row.state}-{row.action}-{role}")
    for row in TRANSITIONS
    for role in sorted(ROLES - row.roles)
]
FORBIDDEN = [
    pytest.param(state, action, id=f"{state}-{action}")
    for state, action in itertools.product(STATES_BEFORE, Action)
    if (state, action) not in TABLE
]


def test_the_table_is_the_one_specified():
    assert {key: (set(row.roles), row.next) for key, row in TABLE.items()} == EXPECTED
    assert len(TABLE) == len(TRANSITIONS)  # no duplicate rows


def test_every_state_action_pair_is_either_allowed_or_forbidden():
    assert len(ALLOWED) == sum(len(row.roles) for row in TRANSITIONS)
    assert len(TABLE) + len(FORBIDDEN) == len(STATES_BEFORE) * len(Action)


@pytest.mark.parametrize(("state", "action", "role", "after"), ALLOWED)
def test_allowed_transition(state, action, role, after):
    assert transition(state, action, [role]) is after
    assert transition(state, action, {role, SUPERVISOR}) is after
    # plain strings work as well as the enums
    assert transition(None if state is None else str(state), str(action), [role]) == after
    assert next_state(state, action) is after


@pytest.mark.parametrize(("state", "action", "role"), WRONG_ROLE)
def test_role_not_allowed(state, action, role):
    with pytest.raises(TransitionError) as caught:
        transition(state, action, [role])
    assert caught.value.code == "role_not_allowed"
    assert caught.value.state == state and caught.value.action == action


@pytest.mark.parametrize(("state", "action"), FORBIDDEN)
def test_forbidden_transition(state, action):
    for roles in (ROLES, []):
        with pytest.raises(TransitionError) as caught:
            transition(state, action, roles)
        assert caught.value.code == "illegal_transition"
    with pytest.raises(TransitionError) as caught:
        next_state(state, action)
    assert caught.value.code == "illegal_transition"


@pytest.mark.parametrize("state", [S.ACCEPTED, S.SUSPENDED])
def test_extension_only_once(state):
    assert transition(state, A.EXTEND, [DEPARTMENT_HEAD], extended=False) is state
    with pytest.raises(TransitionError) as caught:
        transition(state, A.EXTEND, [DEPARTMENT_HEAD], extended=True)
    assert caught.value.code == "already_extended"
    with pytest.raises(TransitionError) as caught:
        next_state(state, A.EXTEND, extended=True)
    assert caught.value.code == "already_extended"
    # a role problem is reported before the state conflict
    with pytest.raises(TransitionError) as caught:
        transition(state, A.EXTEND, [REVIEWER], extended=True)
    assert caught.value.code == "role_not_allowed"


def test_extended_does_not_affect_other_actions():
    assert transition(S.ACCEPTED, A.DECIDE_GRANT, [REVIEWER], extended=True) is S.GRANTED


@pytest.mark.parametrize(
    ("state", "action", "code"),
    [
        ("pending", A.ACCEPT, "unknown_state"),
        ("", A.ACCEPT, "unknown_state"),
        (S.SUBMITTED, "approve", "unknown_action"),
        (S.SUBMITTED, None, "unknown_action"),
    ],
)
def test_unknown_names(state, action, code):
    with pytest.raises(TransitionError) as caught:
        transition(state, action, ROLES)
    assert caught.value.code == code


def test_errors_carry_a_stable_code():
    with pytest.raises(CaseRuleError) as caught:
        transition(S.GRANTED, A.DECIDE_DENY, [REVIEWER])
    assert caught.value.code == "illegal_transition"
    assert "decide_deny" in str(caught.value)


def test_closed_states_have_no_way_out():
    for state in (S.DENIED, S.DELIVERED, S.REFUSED, S.WITHDRAWN):
        assert allowed_actions(state, ROLES) == frozenset()
    assert allowed_actions(S.GRANTED, ROLES) == {A.DELIVER}


def test_observers_take_no_action():
    for state in STATES_BEFORE:
        assert allowed_actions(state, [SUPERVISOR, LEADER, ADMIN]) == frozenset()


@pytest.mark.parametrize("state", STATES_BEFORE)
@pytest.mark.parametrize("role", sorted(ROLES))
def test_allowed_actions_agree_with_transition(state, role):
    for extended in (False, True):
        offered = allowed_actions(state, [role], extended=extended)
        for action in Action:
            try:
                transition(state, action, [role], extended=extended)
            except TransitionError:
                assert action not in offered
            else:
                assert action in offered


def test_withdrawal_only_before_a_decision():
    before = {S.SUBMITTED, S.SUPPLEMENT_REQUESTED, S.ACCEPTED, S.SUSPENDED}
    assert {state for state in State if A.WITHDRAW in allowed_actions(state, [APPLICANT])} == (
        before
    )
    assert rules.OPEN_STATES == before


def test_deemed_acceptance_only_by_the_system_and_only_from_submitted():
    assert [
        row.state for row in TRANSITIONS if row.action is A.DEEM_ACCEPT and SYSTEM in row.roles
    ] == [S.SUBMITTED]
    assert all(row.roles == {SYSTEM} for row in TRANSITIONS if row.action is A.DEEM_ACCEPT)
    assert all(SYSTEM not in row.roles for row in TRANSITIONS if row.action is not A.DEEM_ACCEPT)


def test_role_names_are_the_contract_of_core_roles():
    from zhengwu.core.roles import Role

    assert {str(role) for role in Role} | {SYSTEM} == ROLES


@pytest.mark.parametrize("module", ["rules.py", "clocks.py"])
def test_the_core_is_pure(module):
    """No Django import: the rules run in scripts, benchmarks and workers without settings."""
    import zhengwu.cases

    source = Path(zhengwu.cases.__file__).with_name(module).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert not {name for name in imported if name.split(".")[0] == "django"}
    project = {name for name in imported if name.startswith("zhengwu")}
    assert project <= {"zhengwu.cases.rules", "zhengwu.workdays.rules", "zhengwu.workdays.periods"}
