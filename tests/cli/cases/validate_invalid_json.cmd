validate @SRC@/tests/data/plans/json/invalid/many_errors.json --json
