# crm_migration: set-up, demo and tests on a plain Debian machine.
#
#   make demo   venv + PostgreSQL + a database with the addon + the bundled
#               Ploomes sandbox + a demo migration, then its reconciliation
#               (make demo SOURCE=bloomr: the same with the Bloomr sandbox)
#   make test   the whole test suite on fresh databases
#   make lint   ruff and pylint with pylint-odoo (OCA's linters); fails on any finding
#   make i18n   regenerate i18n/crm_migration.pot from HEAD, merge it into i18n/*.po
#   make bench  [SCALE=2000] [RATE_LIMIT=120]: migrate the sandbox into a fresh database, print
#               figures per phase and Odoo's create()/load()/XML-RPC on the same values
#
# Odoo 18.0's source is expected at ODOO_SRC (it is never part of this repo).

ODOO_SRC ?= /opt/odoo-18.0
PYTHON ?= python3
VENV ?= .venv
BUILD ?= .build
DEMO_DB ?= crm_migration_demo
DEMO_MODULES ?= crm_migration,sale_crm,l10n_br
TEST_DB ?= crm_migration_test
TEST_DB_MIN ?= crm_migration_test_min
TEST_DB_SALE ?= crm_migration_test_sale
I18N_DB ?= crm_migration_i18n
SANDBOX_PORT ?= 8099
SANDBOX_SCALE ?= 300
HTTP_PORT ?= 8069

PY := $(VENV)/bin/python
ODOO_BIN := $(PY) $(ODOO_SRC)/odoo-bin
CONF := $(BUILD)/odoo.conf
SETUP := tools/setup.sh

export ODOO_SRC VENV BUILD PYTHON HTTP_PORT

.PHONY: demo test test-pure lint i18n bench serve venv postgres conf check-odoo clean

check-odoo:
	@$(SETUP) check-odoo

venv: check-odoo
	@$(SETUP) venv

postgres:
	@$(SETUP) postgres

conf: venv
	@$(SETUP) conf

demo: venv postgres conf
	@$(SETUP) database $(DEMO_DB) $(DEMO_MODULES)
	@tools/demo.sh $(DEMO_DB) $(SANDBOX_PORT) $(SANDBOX_SCALE) $(or $(SOURCE),ploomes)

test: venv postgres conf
	@tools/test.sh $(TEST_DB) $(TEST_DB_MIN) $(TEST_DB_SALE)

test-pure: venv
	@for pkg in tools sandbox mapping sources; do \
	  PYTHONPATH=$(CURDIR)/tools:$(CURDIR) $(PY) -m pytest -p no:odoo -p pytest_crm_migration \
	    -p no:cacheprovider --import-mode=importlib --rootdir=$$pkg -q $$pkg || exit 1; \
	done

lint: venv
	@tools/lint.sh

i18n: venv postgres conf
	@tools/i18n.sh $(I18N_DB)

bench: venv postgres conf
	@$(PY) benchmarks/bench.py --config $(CONF) --db crm_migration_bench --scale $(or $(SCALE),2000) \
	  --rate-limit $(or $(RATE_LIMIT),120)

serve: conf
	$(ODOO_BIN) -c $(CONF) -d $(DEMO_DB) --http-interface=127.0.0.1 --http-port=$(HTTP_PORT)

clean:
	rm -rf $(BUILD)
