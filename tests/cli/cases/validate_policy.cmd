validate @SRC@/tests/data/plans/json/valid/mixed.json --policy @SRC@/tests/data/policies/base.xml --plugins @BUILD@/tests/plugins --user bob
