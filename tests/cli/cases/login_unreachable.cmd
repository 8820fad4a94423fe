login --user alice --password-file @SRC@/tests/cli/password --config @SRC@/tests/cli/directory_config.json
