invoke math.add --args '[1]'
