config check --config @SRC@/tests/data/config/invalid/secret_literal.json
