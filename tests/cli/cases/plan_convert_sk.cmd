plan convert @SRC@/tests/data/plans/sk/email.xml --to json
