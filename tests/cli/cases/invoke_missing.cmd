invoke math.add a=1
