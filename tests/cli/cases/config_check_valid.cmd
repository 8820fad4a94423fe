config check --config @SRC@/tests/data/config/valid/full.json
