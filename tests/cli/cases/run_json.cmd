run @SRC@/tests/data/plans/json/valid/mixed.json --json --jobs 1
