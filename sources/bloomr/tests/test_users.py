"""Bloomr users: their roles proposed as Odoo sales rights."""
import pytest
from crm_migration.sources.bloomr import SPEC, crm


@pytest.mark.parametrize("role, access", [
    ("admin", "admin"), ("Administrador", "admin"), ("manager", "all"), ("Gerente", "all"),
    ("Team leader", "all"), ("rep", "own"), ("Vendedor", "own"), ("", None), (None, None)])
def test_roles_propose_sales_rights(role, access):
    assert crm.sales_access({"role": role}) == access
    assert SPEC.users.sales_access({"role": role}) == access
