validate @SRC@/tests/data/plans/json/valid/mixed.json --user alice --config @SRC@/tests/cli/directory_config.json
