plugins list --json
