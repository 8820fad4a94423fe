policy check @SRC@/tests/data/policies/invalid/unknown_role.xml @SRC@/tests/data/policies/invalid/unknown_function.xml
