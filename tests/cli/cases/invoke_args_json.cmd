invoke text.format --args '{"template": "Hi {name}", "fields": {"name": "jdoe"}}'
