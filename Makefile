# The two set-up commands of README.md: `make run` and `make test`.
# Both create .venv and install the project into it on first use.
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint tools console

# The versions are those of uv.lock (`uv lock` after changing pyproject.toml), so two
# installs a month apart are the same program. --inexact keeps uv itself in the venv.
$(BIN)/.installed: pyproject.toml uv.lock
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q 'uv>=0.5'
	$(BIN)/uv sync -q --frozen --inexact --extra dev --python $(BIN)/python
	touch $@

# The docker-compose client validates docker-compose.yml in the tests (no engine runs here).
tools:
	@command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null); } || \
	  echo "note: no docker compose client; the compose-file test will be skipped"
	@# the shared store of kept answers (RESULT_CACHE_URL) is tested against Debian's Redis
	@command -v redis-server >/dev/null 2>&1 || command -v valkey-server >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null); } || \
	  echo "note: no redis-server; the shared-store tests will fail"
	@# the console's browser tests drive Debian's Chromium (never a browser Playwright downloads),
	@# and draw Chinese with a CJK font
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; } || \
	  { [ "$$(id -u)" = 0 ] && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null); } || \
	  echo "note: no chromium; the console's browser tests will fail"

# The web console: installed from console/package-lock.json (npm registry), built into
# console/dist when its sources, or the API whose OpenAPI types its client, changed.
CONSOLE_SOURCES := console/package.json console/index.html console/vite.config.ts \
  console/tsconfig.json $(shell find console/src console/scripts -type f ! -name openapi.json \
  ! -name schema.d.ts ! -name field-titles.json 2>/dev/null) $(shell find graph_service -name '*.py')

console/node_modules/.package-lock.json: console/package-lock.json console/package.json
	cd console && npm ci --no-audit --no-fund
	touch $@

console/dist/.built: $(BIN)/.installed console/node_modules/.package-lock.json $(CONSOLE_SOURCES)
	cd console && PYTHON=$(abspath $(BIN))/python npm run build
	touch $@

console: console/dist/.built

run: $(BIN)/.installed console
	$(BIN)/graph-service run

# lint-imports: the layer contract of pyproject.toml ([tool.importlinter])
lint: $(BIN)/.installed
	$(BIN)/ruff check graph_service loaders tests bench
	$(BIN)/mypy graph_service
	$(BIN)/lint-imports

test: $(BIN)/.installed tools lint console
	$(BIN)/graph-service db provision
	$(BIN)/pytest
