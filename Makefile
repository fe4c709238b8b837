# thidua — the two commands of the README, and a few more.
PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 8000
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
# Compiled files (__pycache__, git-ignored) are written even when the shell says not to: without them every test
# process, xdist worker and `thidua` subprocess compiles src/ and pytest rewrites every test module again
# (collection: 9 s of CPU instead of 3.5 s, three times per `make test`).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-unit test-pg test-browser test-slow test-slow-pg bench lint clean api-fuzz load docx

# Create or reuse the virtual environment; reinstall only when pyproject.toml changes.
$(STAMP): pyproject.toml
	@echo "Cài đặt môi trường .venv (lần đầu ~10–30 giây)…"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# uv (from PyPI, into the venv) installs the ~120 packages in ~4 s where pip takes ~25 s; pip remains the
	@# fallback. XStatic-Bootstrap ships only an sdist whose setup needs pkg_resources (setuptools < 81).
	@$(BIN)/python -m pip install -qq "setuptools<81" wheel uv
	@if $(BIN)/uv --version >/dev/null 2>&1; then \
		$(BIN)/uv pip install -q --python $(BIN)/python --no-build-isolation "XStatic-Bootstrap>=5.3" && \
		$(BIN)/uv pip install -q --python $(BIN)/python -e ".[test]"; \
	else \
		$(BIN)/python -m pip install -qq --no-build-isolation "XStatic-Bootstrap>=5.3" && \
		$(BIN)/python -m pip install -qq -e ".[test]"; \
	fi
	@touch $(STAMP)

# Serve the application with the reference scenario on SQLite (var/thidua.sqlite3), with one background-job worker
# beside the web server (stopped when the server stops).
run: $(STAMP)
	@$(BIN)/thidua demo
	@echo ""
	@echo "==> Mở http://127.0.0.1:$(PORT)/ và đăng nhập bằng một tài khoản ở trên (mật khẩu thidua2018). Ctrl+C để dừng; nhật ký tác vụ nền: var/worker.log."
	@echo ""
	@$(BIN)/thidua worker >"$${THIDUA_VAR_DIR:-var}/worker.log" 2>&1 & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null; wait $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(BIN)/thidua runserver 127.0.0.1:$(PORT)

# The test suite on SQLite (browser tests are run by .ci/run, see README): unit tests on their own data, then
# integration tests on the reference scenario (built once and copied into each worker's database:
# tests/scenario_cache.py). Slow process-level tests: make test-slow.
test: $(STAMP)
	$(BIN)/python -m pytest -m "not browser and not slow" -n 2

# Unit tests only: no reference scenario is loaded, which also checks that they build all the data they need.
test-unit: $(STAMP)
	$(BIN)/python -m pytest -m "not integration and not browser and not slow" -n 2

# The same suite on PostgreSQL (DATABASE_URL must point at a server where we may create a test database).
test-pg: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/thidua} $(BIN)/python -m pytest -m "not browser and not slow" -n 2

test-browser: $(STAMP)
	$(BIN)/python -m pytest -m browser

# Slow tests: processes and conversions (the server killed during dossier submissions, `thidua serve` under
# gunicorn, `thidua check` with production settings, real workers, whole-database backups, LibreOffice PDF, signing);
# on PostgreSQL when DATABASE_URL is set.
# The Redis worker test is run by its own CI step (pytest -m redis, THIDUA_REQUIRE_REDIS=1).
test-slow: $(STAMP)
	$(BIN)/python -m pytest -m "slow and not redis" -n 2

# The slow tests whose outcome depends on the database engine (marker `engine`: crash safety, backups) on
# PostgreSQL; the others (gunicorn, workers, LibreOffice) use their own SQLite files or none, so .ci/run runs them
# once, in test-slow.
test-slow-pg: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/thidua} $(BIN)/python -m pytest -m "slow and engine" -n 2

bench: $(STAMP)
	$(BIN)/python bench/bench_statistics.py
	$(BIN)/python bench/bench_generate.py
	$(BIN)/python bench/bench_eligibility.py
	$(BIN)/python bench/bench_import.py

# Schemathesis against /api/v1/schema/ with a token (demo data on a throw-away SQLite, production settings).
api-fuzz: $(STAMP)
	$(BIN)/python bench/api_fuzz.py

# Locust, 50 users for 2 minutes, against `thidua serve` on PostgreSQL (database thidua_load, ~1M generated rows).
load: $(STAMP)
	bash bench/load/run.sh

# Rebuild the Word templates (src/thidua/<app>/docx/*.docx) from their builders (thidua.<app>.docx_templates).
docx: $(STAMP)
	$(BIN)/thidua docx_templates

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

clean:
	rm -rf var/ $(VENV)

# Django's deployment checks with production settings (a throw-away key; warnings fail).
.PHONY: check-deploy
check-deploy: $(STAMP)
	DEBUG=0 SECRET_KEY=$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(48))") \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-example.org} $(BIN)/thidua check --deploy --fail-level WARNING
