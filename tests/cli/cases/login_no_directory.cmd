login --password-file @SRC@/tests/cli/password
