# Benchmarks of issue 7. The Makefile includes this fragment (`include bench/bench.mk`); it uses the
# Makefile's `deps` and `build` targets and its PHP and SO variables.

.PHONY: bench

## bench: W1-W5, physical references and engine hot paths; one table, also written to bench/results.md (~10 min)
bench: deps build
	PHP="$(PHP)" SO="$(SO)" bash bench/run.sh
