"""The joint fixtures (a scene of three items of two departments, one user per role)."""

from tests.joint.conftest import (  # noqa: F401
    admin,
    clerk,
    items,
    private_root,
    reviewer,
    travel,
)
