run @SRC@/tests/data/plans/xml/valid/mixed.xml
