eval tests/data/eval/missing.json --llm replay:examples/eval/replay.jsonl
