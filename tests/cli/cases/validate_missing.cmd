validate /nonexistent/plan.json
