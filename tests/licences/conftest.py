"""The joint fixtures (a scene of three items of two departments, one user per role)."""

from tests.joint.conftest import (  # noqa: F401
    admin,
    citizen,
    clerk,
    items,
    private_root,
    reviewer,
    scene,
    travel,
    zjj_reviewer,
)
