"""Layered test bases: :class:`SourceCase` drives the engine for any source;
:class:`SandboxCase` is the Ploomes source, its sandbox over HTTP on 127.0.0.1."""
from odoo.tests import TransactionCase, tagged

from ..sandbox.ploomes import PloomesSandbox

#: The phases of the sales objects (skipped on a database without Sales).
SALES_KEYS = ("product_families", "product_groups", "products", "quotes", "quote_sections",
              "quote_lines", "quote_revisions", "quote_states", "orders", "order_sections",
              "order_lines", "order_states")


@tagged("crm_migration")
class SourceCase(TransactionCase):
    """A test class with one source (made once per class) and the admin's steps."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = cls.env["crm.migration.source"].create(cls.source_values())

    @classmethod
    def source_values(cls):
        """Values of the class's source (kind, URL, key, limits)."""
        raise NotImplementedError

    @classmethod
    def new_run(cls, **values):
        return cls.env["crm.migration.run"].create({"source_id": cls.source.id, **values})

    @classmethod
    def profile(cls, run=None):
        """Extract and profile the source: the run waits for its map to be confirmed."""
        run = run or cls.new_run()
        run.action_profile()
        run._run_to_end()
        return run

    @classmethod
    def migrate(cls, run=None, sample=None, **map_options):
        """Profile, confirm the proposed map (with ``map_options``), validate and load:
        the admin's happy path."""
        run = run or cls.new_run()
        if run.state == "draft":
            cls.profile(run)
        if run.state == "profiled":
            cls.source._current_map().write(map_options)
            run.action_confirm_map()
        run.action_validate()
        run._run_to_end()
        if sample:
            run.sample_size = sample
            run.action_sample()
        else:
            run.action_start()
        run._run_to_end()
        return run

    @classmethod
    def new_map_version(cls, **values):
        """The admin's "New version" of the source's confirmed map, with ``values``: a draft
        that the next run confirms."""
        fmap = cls.source._confirmed_map()
        new = cls.env["crm.migration.map"].browse(fmap.action_new_version()["res_id"])
        new.write(values)
        return new

    @classmethod
    def records_of(cls, model, entity):
        """{source id: Odoo record} of what the source's ``entity`` became in ``model``."""
        identities = cls.env["crm.migration.identity"].search([
            ("source_id", "=", cls.source.id), ("entity", "=", entity), ("res_model", "=", model)])
        return {int(i.source_key): cls.env[model].browse(i.res_id) for i in identities}

    def phase(self, run, key, kind="load"):
        return run.phase_ids.filtered(lambda p: p.kind == kind and p.key == key)

    def issues(self, run, code, source_key=None):
        domain = [("run_id", "=", run.id), ("code", "=", code)]
        if source_key is not None:
            domain.append(("source_key", "=", str(source_key)))
        return self.env["crm.migration.issue"].search(domain)


@tagged("ploomes")
class SandboxCase(SourceCase):
    """The Ploomes source: its own sandbox (started once per class) over HTTP."""

    sandbox_options = {"seed": 11, "scale": 120}

    @classmethod
    def setUpClass(cls):
        options = {"rate_limit": 0, **cls.sandbox_options}
        cls.sandbox = PloomesSandbox(**options).start()
        cls.addClassCleanup(cls.sandbox.stop)
        super().setUpClass()

    @classmethod
    def source_values(cls):
        return {
            "name": "Sandbox",
            "kind": "ploomes",
            "url": cls.sandbox.base_url,
            "api_key": cls.sandbox.key,
            "rate_limit": 0,
            "batch_size": 50,
        }

    @classmethod
    def by_id(cls, entity):
        """{Ploomes id: record} of one of the sandbox's entities."""
        return {r["Id"]: r for r in cls.sandbox.dataset.iter(entity)}
