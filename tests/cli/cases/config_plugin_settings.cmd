invoke fixture.greet name=ada --config @SRC@/tests/cli/fixture_config.json --plugins @BUILD@/tests/plugins
