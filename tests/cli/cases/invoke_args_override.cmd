invoke math.add --args '{"a": 1, "b": 2}' b=10
