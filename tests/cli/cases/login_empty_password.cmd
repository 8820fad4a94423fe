login --user alice --config @SRC@/tests/cli/directory_config.json
