run @SRC@/tests/data/plans/json/valid/fields.json --plugins @BUILD@/tests/plugins
