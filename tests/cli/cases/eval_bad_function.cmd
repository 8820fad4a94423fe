eval tests/data/eval/bad_function.json --llm replay:examples/eval/replay.jsonl
