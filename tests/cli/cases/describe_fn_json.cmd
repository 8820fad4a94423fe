plugins describe math.add --json
