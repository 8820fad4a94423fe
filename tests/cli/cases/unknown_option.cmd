plugins list --frob
