policy check @SRC@/tests/data/policies/base.xml --plugins @BUILD@/tests/plugins
