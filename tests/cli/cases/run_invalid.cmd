run @SRC@/tests/data/plans/json/invalid/ref_later_step.json
