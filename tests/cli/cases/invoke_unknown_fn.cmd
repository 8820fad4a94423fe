invoke math.ad a=1 b=2
