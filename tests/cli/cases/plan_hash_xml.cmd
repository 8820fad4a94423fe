plan hash @SRC@/examples/plan.xml
