config show
