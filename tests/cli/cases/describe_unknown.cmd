plugins describe math.ad
