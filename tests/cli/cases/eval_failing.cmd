eval tests/data/eval/failing.json --llm replay:examples/eval/replay.jsonl
