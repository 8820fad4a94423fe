plugins list
