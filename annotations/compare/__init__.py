"""Comparing articles that tell the same story (issue 13): sentence alignment, word differences, similar articles."""
