run @SRC@/tests/data/plans/json/valid/mixed.json --config @SRC@/tests/cli/directory_config.json
