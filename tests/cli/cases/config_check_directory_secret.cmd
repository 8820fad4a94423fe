config check --config @SRC@/tests/data/config/invalid/dir_password_literal.json
