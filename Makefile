# Shortcuts for the scripts in tools/ (each also runs on its own with bash).
.PHONY: setup test lint pot test-runner test-upstream ci

setup:          ## install what is missing, create the demo database, serve Odoo on :8069
	bash tools/setup.sh

test:           ## lint + the whole suite on a fresh throwaway database
	bash tools/test.sh

lint:
	bash tools/lint.sh

pot:            ## regenerate psa_workflow/i18n/psa_workflow.pot
	bash tools/export_pot.sh

test-runner:    ## psa_workflow's tests through Odoo's own runner
	bash tools/test_odoo_runner.sh

test-upstream:  ## Odoo's project, hr_timesheet and hr_expense tests with psa_workflow
	bash tools/test_upstream.sh

ci:
	bash .ci/run
