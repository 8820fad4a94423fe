eval examples/eval/suite.json --llm replay:examples/eval/replay.jsonl
