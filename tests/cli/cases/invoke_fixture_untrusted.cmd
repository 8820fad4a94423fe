invoke fixture.fetch count=2 --json --plugins @BUILD@/tests/plugins
