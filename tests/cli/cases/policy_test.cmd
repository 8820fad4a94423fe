policy test @SRC@/tests/data/policies/cases.json --plugins @BUILD@/tests/plugins
