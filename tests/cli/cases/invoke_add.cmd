invoke math.add a=2 b=40
