trace ../etc --state-dir /tmp
