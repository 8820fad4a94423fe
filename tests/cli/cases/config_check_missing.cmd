config check --config /nonexistent/keel.json
