# sensorlab: `make demo` to try it, `make test` to check it. Both set up everything first.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export PATH := $(CURDIR)/$(BIN):$(PATH)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test install build jest pytest browser-test bench clean

demo: build
	$(PY) test/servers/servers.py demo

test: build
	$(PY) test/run_all.py

install: $(VENV)/.installed node_modules/.installed test/servers/ethercalc/node_modules/.installed /usr/bin/chromium

# Debian's Chromium for the browser tests (never a browser download).
/usr/bin/chromium:
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq chromium fonts-dejavu-core

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) test/servers/requirements.py > $(VENV)/requirements.txt
	$(PY) -m pip install -q -r $(VENV)/requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# A real EtherCalc for the demo and the tests, in its own folder (old dependencies).
test/servers/ethercalc/node_modules/.installed: test/servers/ethercalc/package.json test/servers/ethercalc/package-lock.json
	cd test/servers/ethercalc && npm ci --omit=optional --install-strategy=nested --no-audit --no-fund
	touch $@

# The prebuilt extension, packed into a wheel and installed the way users install it.
build: install
	npm run build:prod
	rm -rf dist && $(PY) -m pip wheel -q --no-deps --no-build-isolation -w dist .
	$(PY) -m pip install -q --force-reinstall --no-deps dist/sensorlab-*.whl

jest: install
	npx jest

pytest: build
	$(PY) test/servers/servers.py run -- $(PY) -m pytest

browser-test: build
	$(PY) test/servers/servers.py run -- npx playwright test --config test/browser/playwright.config.ts

clean:
	rm -rf lib dist tsconfig.tsbuildinfo python_shim/sensorlab/labextension $(VENV) node_modules
