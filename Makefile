# The two set-up commands of README.md: `make run` and `make test`.
# Both create .venv and install the project into it on first use.
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint tools

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

run: $(BIN)/.installed
	$(BIN)/graph-service run

# lint-imports: the layer contract of pyproject.toml ([tool.importlinter])
lint: $(BIN)/.installed
	$(BIN)/ruff check graph_service loaders tests bench
	$(BIN)/mypy graph_service
	$(BIN)/lint-imports

test: $(BIN)/.installed tools lint
	$(BIN)/graph-service db provision
	$(BIN)/pytest
