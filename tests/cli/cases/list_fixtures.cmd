plugins list --plugins @BUILD@/tests/plugins
