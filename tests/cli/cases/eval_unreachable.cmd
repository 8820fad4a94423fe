eval examples/eval/suite.json --llm openai:gpt-4o-mini --llm-url http://127.0.0.1:1
