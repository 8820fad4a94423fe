invoke math.add a=two b=1
