eval examples/eval/suite.json --yes
