# sensorlab: `make demo` to try it, `make test` to check it, `make bench` to measure it. All set up everything first.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export PATH := $(CURDIR)/$(BIN):$(PATH)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo hub-demo lite lite-demo lite-test test bench install system-packages build translations lint jest pytest \
	browser-test clean

demo: build
	$(PY) test/servers/servers.py demo

# A local JupyterHub for a class trial: student1..student5, one shared password, one class sheet.
hub-demo: build
	$(PY) test/servers/hub.py demo

# The zero-install class site (JupyterLite, the kernel in the browser) in build/lite/, built by an
# environment of its own with pinned versions; its downloads are kept in build/lite-cache/.
LITE_VENV := .venv-lite
lite: build $(LITE_VENV)/.installed
	$(LITE_VENV)/bin/python test/servers/lite.py build

# The class site on 127.0.0.1 with a local EtherCalc, for people.
lite-demo: lite
	$(PY) test/servers/lite.py demo

test: build lite
	$(PY) test/run_all.py

# The benchmark (about 20 minutes): writes bench/results.md. Not part of `make test`.
bench: build lite
	$(PY) test/servers/servers.py run -- $(PY) bench/run.py

install: system-packages $(VENV)/.installed node_modules/.installed test/servers/ethercalc/node_modules/.installed \
	test/servers/hub/node_modules/.installed

# Debian's packages, only those missing: Node.js and npm for the build, venv for Python,
# and Debian's Chromium for the browser tests (never a browser download); the AVR
# toolchain, Arduino core, simavr, QEMU and the micro:bit's MicroPython for the board
# programs' tests (without recommends: the Arduino IDE's extras are not needed).
BOARD_PACKAGES := gcc libc6-dev gcc-avr avr-libc arduino-core-avr arduino-mk simavr libsimavr-dev \
	qemu-system-arm firmware-microbit-micropython
system-packages:
	@missing=""; boards=""; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	python3 -c "import ensurepip, venv" 2>/dev/null || missing="$$missing python3-venv"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium fonts-dejavu-core"; \
	for package in $(BOARD_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || boards="$$boards $$package"; \
	done; \
	if [ -n "$$missing$$boards" ]; then \
		echo "Installing Debian packages:$$missing$$boards"; \
		$(SUDO) apt-get update -qq && \
		{ [ -z "$$missing" ] || $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; } && \
		{ [ -z "$$boards" ] || $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$boards; }; \
	fi

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) test/servers/requirements.py > $(VENV)/requirements.txt
	$(PY) -m pip install -q -r $(VENV)/requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The class site's build environment (`make lite`), kept apart from the server's.
$(LITE_VENV)/.installed: test/servers/lite/requirements.txt
	python3 -m venv $(LITE_VENV)
	$(LITE_VENV)/bin/python -m pip install -q -r test/servers/lite/requirements.txt
	touch $@

# A real EtherCalc for the demo and the tests, in its own folder (old dependencies).
test/servers/ethercalc/node_modules/.installed: test/servers/ethercalc/package.json test/servers/ethercalc/package-lock.json
	cd test/servers/ethercalc && npm ci --omit=optional --install-strategy=nested --no-audit --no-fund
	touch $@

# configurable-http-proxy for the local JupyterHub (test/servers/hub.py), in its own folder too.
test/servers/hub/node_modules/.installed: test/servers/hub/package.json test/servers/hub/package-lock.json
	cd test/servers/hub && npm ci --no-audit --no-fund
	touch $@

# The prebuilt extension, packed into a wheel and installed the way users install it; and the
# hub students' environment, made as a hub's user image is: the wheel installed with pip, with
# jupyterhub and jupyterlab at .venv's versions, no Node.js.
HUB_USER := $(VENV)/hub-user
build: install
	npm run build:prod
	$(PY) translations/translations.py compile
	rm -rf dist && $(PY) -m pip wheel -q --no-deps --no-build-isolation -w dist .
	$(PY) -m pip install -q --force-reinstall --no-deps dist/sensorlab-*.whl
	[ -x $(HUB_USER)/bin/python ] || python3 -m venv $(HUB_USER)
	$(PY) -m pip freeze --exclude sensorlab > $(HUB_USER)/constraints.txt
	$(HUB_USER)/bin/python -m pip install -q -c $(HUB_USER)/constraints.txt jupyterhub jupyterlab \
		"$$(ls dist/sensorlab-*.whl)[examples,languages]"
	$(HUB_USER)/bin/python -m pip install -q --force-reinstall --no-deps dist/sensorlab-*.whl

# After changing the words the page or the kernel shows: find them all again (translations/sensorlab.pot)
# and bring each language's .po up to date; translate what is new, then `make build` compiles them.
translations: install
	$(PY) translations/translations.py extract
	$(PY) translations/translations.py check

# eslint, prettier and stylelint for the frontend, ruff (lint and format) for Python; fails on a finding.
lint: install
	$(PY) test/lint.py

jest: install
	npx jest

pytest: build
	$(PY) test/servers/servers.py run -- $(PY) -m pytest

browser-test: build
	$(PY) test/servers/servers.py run -- $(PY) test/servers/hub.py run -- \
		npx playwright test --config test/browser/playwright.config.ts

# The class site in Chromium with every request leaving 127.0.0.1 failing the test (not yet in `make test`).
lite-test: lite
	$(PY) test/servers/lite.py run -- npx playwright test --config test/lite/playwright.config.ts

clean:
	rm -rf lib dist build tsconfig.tsbuildinfo python_shim/sensorlab/labextension $(VENV) $(LITE_VENV) node_modules \
		test/boards/.build
