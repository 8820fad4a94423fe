llm chat hello --llm replay:@SRC@/tests/data/llm/chat.replay.jsonl --json
