# keel's front door. `make` builds into build/, `make check` runs the whole
# test suite, `make demo` runs keel's main job. Each calls `make deps` first,
# which installs the Debian build dependencies when run as root.

DEBIAN_PACKAGES := cmake make gcc g++ clang pkg-config libcjson-dev \
	libcurl4-openssl-dev libxml2-dev libldap2-dev libcmocka-dev \
	slapd ldap-utils openssl
BUILD := build
KEEL := $(BUILD)/bin/keel
JOBS ?= 2

.PHONY: all deps build check asan check-asan fuzz demo bench clean lint

all: build

deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" \
	    || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "make deps: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else \
	  echo "make deps: missing Debian packages; run as root:"; \
	  echo "  apt-get install -y$$missing"; exit 1; \
	fi

build: deps
	cmake --preset default
	cmake --build --preset default -j $(JOBS)

check: build
	ctest --preset default -j $(JOBS)

asan check-asan: deps
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

fuzz:
	$(MAKE) deps DEBIAN_PACKAGES="$(DEBIAN_PACKAGES) libclang-rt-14-dev"
	cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS)

bench: build
	$(BUILD)/bin/bench_invoke $(BUILD)/lib/keel/plugins
	$(BUILD)/bin/bench_plan $(BUILD)
	$(BUILD)/bin/bench_policy $(BUILD)
	$(BUILD)/bin/bench_llm
	$(BUILD)/bin/bench_goal
	$(BUILD)/bin/bench_journal $(BUILD)

demo: build
	@sh examples/demo.sh $(KEEL)

clean:
	rm -rf build build-asan build-fuzz

# Static analysis of keel's own sources (not tests): clang-tidy with the
# checks in .clang-tidy, and cppcheck.
LINT_SOURCES := $(wildcard kernel/src/*.c cli/*.c plugins/*/*.c planner/src/*.c policies/src/*.c connectors/llm/src/*.c connectors/otlp/src/*.c connectors/ldap/src/*.c)
lint: build
	$(MAKE) deps DEBIAN_PACKAGES="clang-tidy cppcheck"
	clang-tidy -p $(BUILD) --quiet --extra-arg=-Wno-unknown-warning-option $(LINT_SOURCES)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	  --inline-suppr --std=c11 -I sdk/include -I kernel/include -I kernel/src \
	  -I planner/include -I policies/include -I connectors/llm/include -I connectors/otlp/include \
	  -I connectors/ldap/include -I connectors/ldap/src \
	  $(LINT_SOURCES)
