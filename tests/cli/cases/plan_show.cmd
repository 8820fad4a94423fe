plan show @SRC@/tests/data/plans/json/valid/mixed.json
