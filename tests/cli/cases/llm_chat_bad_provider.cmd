llm chat hello --llm nope:x
