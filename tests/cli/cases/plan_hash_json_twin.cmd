plan hash @SRC@/examples/plan.json
