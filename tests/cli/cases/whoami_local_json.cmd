whoami --json
