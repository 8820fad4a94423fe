invoke math.add 3
