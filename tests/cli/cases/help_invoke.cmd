invoke --help
