# Two commands: `make run` (set up and start the chat page) and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
HOST    ?= 127.0.0.1
PORT    ?= 7860

.PHONY: run test bench eval index sysdeps clean

$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(BIN)/python app.py --host $(HOST) --port $(PORT)

# The browser test needs Debian's chromium + chromedriver and a CJK font.
sysdeps:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
	   || ! fc-list 2>/dev/null | grep -qi 'cjk'; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  $$SUDO apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null; \
	fi

test: $(VENV)/.dev sysdeps
	$(BIN)/python -m pytest

index: $(VENV)/.runtime
	$(BIN)/python -m index build

eval: $(VENV)/.runtime
	$(BIN)/python -m eval run --out eval/out/results.json --report eval/out/report.md

bench: $(VENV)/.dev
	$(BIN)/python -m benchmarks.bench_index
	$(BIN)/python -m benchmarks.bench_bot
	$(BIN)/python -m benchmarks.bench_query
	$(BIN)/python -m benchmarks.load

clean:
	rm -rf var eval/out .pytest_cache
