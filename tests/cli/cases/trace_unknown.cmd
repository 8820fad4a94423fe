trace nosuchrun --state-dir @SRC@/tests/data/runs-none
