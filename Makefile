# Thin wrappers: dev.py does the set-up (the .venv) and runs things.
.PHONY: test bench run

test:
	python3 dev.py test

bench:
	python3 dev.py bench

run:
	python3 dev.py run
