eval tests/data/eval/bad_member.json --llm replay:examples/eval/replay.jsonl
