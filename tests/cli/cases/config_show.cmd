config show --config @SRC@/tests/data/config/valid/full.json --plugins @BUILD@/tests/plugins
