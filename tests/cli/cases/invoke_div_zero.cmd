invoke math.div a=1 b=0
