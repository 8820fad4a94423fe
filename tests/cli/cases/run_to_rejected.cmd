run @SRC@/tests/data/plans/json/valid/mixed.json --to dot
