llm chat "add 2 and 3" --llm replay:@SRC@/tests/data/llm/chat.replay.jsonl
