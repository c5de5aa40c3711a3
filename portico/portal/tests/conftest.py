"""Portal fixtures shared by more than one test module."""

from __future__ import annotations

import pytest

from portico.projects.services import project_create, task_create
from portico.testing import SETUP, MembershipFactory


@pytest.fixture
def designer(org):
    return MembershipFactory(
        organization=org, user__email="dana@acme.test", user__full_name="Dana Designer"
    ).user


@pytest.fixture
def design(customer_a):
    project = project_create(actor=SETUP, customer=customer_a, name="Website relaunch", rate="90.00")
    return task_create(actor=SETUP, project=project, name="Design", rate="100.00")


@pytest.fixture
def design_b(customer_b):
    return task_create(
        actor=SETUP, project=project_create(actor=SETUP, customer=customer_b, name="B's project"), name="Work"
    )
