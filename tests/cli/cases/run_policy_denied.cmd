run @SRC@/tests/data/plans/cli/forbidden.json --policy @SRC@/tests/data/policies/base.xml --plugins @BUILD@/tests/plugins --user bob
