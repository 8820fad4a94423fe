run @SRC@/tests/data/plans/cli/div_zero.json
