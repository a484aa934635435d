# The two commands of the README: `make demo` and `make test`. Both install on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-postgres test-services test-browser lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  ## migrate, load the demo data and serve it on http://127.0.0.1:8000/
	$(BIN)/countyworks demo

# The default and PostgreSQL suites run on two processes (pytest-xdist). `loadscope` hands out a
# module, or a test class, as one unit: the scoping matrix's two checks (two classes) each load the
# demo once on their worker, a module's fixtures are set up once. `--no-loadscope-reorder` keeps the
# order of tests/conftest.py, which puts the slow tests first. (`loadgroup` does not group on
# pytest 9.2: pytest-xdist issue #1386.) Each worker has its own test database (SQLite in memory;
# PostgreSQL test_<db>_gw0, test_<db>_gw1).
XDIST := -n 2 --dist loadscope --no-loadscope-reorder

test: $(STAMP)  ## the test suite on the embedded defaults (SQLite, in-process queue, no broker)
	$(BIN)/pytest $(XDIST)

# The PostgreSQL suite migrates its database for real, and also runs the `migrations` tests (the
# SQLite database built from the models equals the migrated one), left out of `make test`.
test-postgres: $(STAMP)  ## the same suite on PostgreSQL (DATABASE_URL, default the local server)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/countyworks} $(BIN)/pytest $(XDIST) -m "not mqtt and not redis and not cluster and not browser"

# One broker, one server, one browser: these two suites run serially. The services suite also
# starts the replicated topology (`countyworks cluster`) and fails its primary database over.
test-services: $(STAMP)  ## telemetry against a real Mosquitto (MQTT_URL), queue and cache against Redis (REDIS_URL), the failover test
	MQTT_URL=$${MQTT_URL:-mqtt://127.0.0.1:1883} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(BIN)/pytest -m "mqtt or redis or cluster"

test-browser: $(STAMP)  ## Playwright on Debian chromium; screenshots in var/screenshots/
	$(BIN)/pytest -m browser

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/countyworks bench

clean:
	rm -rf $(VENV) var
