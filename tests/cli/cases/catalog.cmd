plugins catalog
