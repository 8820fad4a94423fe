llm ping --llm openai:gpt-4o --llm-url http://127.0.0.1:1
