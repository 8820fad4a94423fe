whoami --config @SRC@/tests/cli/directory_config.json
