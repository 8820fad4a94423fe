validate @SRC@/tests/data/plans/json/invalid/syntax.json
