"""A faithful, deterministic Ploomes CRM API sandbox (pure Python, no Odoo import).

    from sandbox.ploomes import PloomesSandbox
    with PloomesSandbox(seed=7, scale=200, key="test-key") as sb:
        requests.get(f"{sb.base_url}/Contacts", headers={"User-Key": sb.key})
"""

from .app import PloomesSandbox

__all__ = ["PloomesSandbox"]
