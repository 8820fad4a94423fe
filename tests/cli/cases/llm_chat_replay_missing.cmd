llm chat "not recorded" --llm replay:@SRC@/tests/data/llm/chat.replay.jsonl
