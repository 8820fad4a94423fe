eval tests/data/eval/bad_calls.json --llm replay:examples/eval/replay.jsonl
