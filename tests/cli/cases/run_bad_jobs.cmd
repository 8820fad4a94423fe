run @SRC@/tests/data/plans/json/valid/mixed.json --jobs 0
