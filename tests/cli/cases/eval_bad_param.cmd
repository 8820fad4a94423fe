eval tests/data/eval/bad_param.json --llm replay:examples/eval/replay.jsonl
