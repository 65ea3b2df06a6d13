"""Benchmarks: retrieval quality, NER quality, speed and scale; one command each."""
