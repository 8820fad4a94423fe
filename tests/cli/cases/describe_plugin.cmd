plugins describe text
