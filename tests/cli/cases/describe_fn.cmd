plugins describe math.div
