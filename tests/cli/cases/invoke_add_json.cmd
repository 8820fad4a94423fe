invoke math.add a=2 b=40.5 --json
